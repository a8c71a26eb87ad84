"""Forms of 巡回連絡: input shape only; the rules are in liaison.services."""
