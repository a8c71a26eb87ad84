"""指導・評価 (要領 第3-2(4)): the 地域課長等's 具体的な指導 and the 署長's 評価・賞揚 of each
beat officer, written on his period page and read by him on his own."""
