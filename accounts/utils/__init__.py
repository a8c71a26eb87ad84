"""Utilities every app needs, one copy each (accounts is the ground floor):

- `dates`: Tokyo dates and times as officers read them, 和暦, months and their bounds;
- `names`: the people-search normaliser (kana width, hiragana/katakana, variant kanji);
- `http`: method guards, a service's refusal shown at the field, the page number;
- `exports`: CSV and Excel written as they stream, with a Japanese file name;
- `history`: field-by-field differences between two history rows (simple-history's
  `diff_against`).
"""
