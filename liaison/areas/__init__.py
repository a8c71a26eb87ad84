"""管内: the towns and 丁目 each beat covers (要領 第6-2(1)イ). `matching` reads addresses,
`selectors` finds the beat of an address and the beats a user keeps, `services` sets them."""
