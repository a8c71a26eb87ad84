"""カードの手交 (要領 第6-2(1)ア): a blank card left with a resident, collected later."""
