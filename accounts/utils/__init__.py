"""Utilities every app needs, one copy each (accounts is the ground floor):

- `dates`: Tokyo dates and times as officers read them, 和暦, months and their bounds;
- `names`: the people-search normaliser (kana width, hiragana/katakana, variant kanji);
- `http`: method guards, a service's refusal shown at the field, the page number;
- `exports`: CSV and Excel written as they stream, with a Japanese file name;
- `filters`: the FilterSet base of list pages (always bound; a refused value reads as the
  filter's default) and a check-box filter (django-filter);
- `cursors`: keyset cursors of newest-first lists;
- `fields`: `actor_field`, who set, recorded or decided a row;
- `history`: field-by-field differences between two history rows (simple-history's
  `diff_against`).
"""
