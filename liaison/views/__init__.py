"""Views of 巡回連絡: thin, one selector and one service each."""
