"""The one way to read ids and text that come from a request.

Anything a browser sends is untrusted: a path segment of twenty digits, a superscript ² that
passes `str.isdigit()`, a NUL byte that PostgreSQL refuses, a U+202E that turns a name
around on screen. Reading them here, once, means a bad value is a 404 or a message at the
field, never a 500 further down, and never a value that breaks a page that shows it later
(an access event is written from what was asked for).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.http import url_has_allowed_host_and_scheme

from .exceptions import BadInput

# PostgreSQL's bigint: the widest primary key in the project.
MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value: object) -> int | None:
    """A primary key from a request, or None: ASCII digits only, 1 … 2**63-1."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else None
    text = str(value or "").strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values) -> list[int]:
    """The valid ids among `values`, in order, others dropped."""
    return [number for number in map(parse_id, values) if number is not None]


class IdConverter:
    """`<id:pk>` in URL patterns: an id a database can hold, else the pattern does not match
    (a 404 before any view runs or any event is written)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)


def is_local_path(url: str) -> bool:
    """A path on this site ("/liaison/cards/1/"), not "//elsewhere", "https://…", a view
    name nor anything with a control character (it becomes a Location header)."""
    return (
        url.startswith("/")
        and text_problem(url) is None
        and not any(ch in url for ch in "\r\n\t")
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    )


# --- Text ---------------------------------------------------------------------------------

NUL = "\x00"
# Characters that change the direction of text (a name shown reversed, a file name ending
# in "fdp.exe") and the invisible marks around them.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Other control characters: C0 except tab and line breaks, DEL and C1.
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

NUL_MESSAGE = "NUL文字（コード 0 の制御文字）は入力できません。取り除いてから入力してください。"
BIDI_MESSAGE = (
    "文字の向きを変える制御文字（U+202E など）は入力できません。"
    "貼り付けた文字を確かめ、取り除いてから入力してください。"
)
CONTROL_MESSAGE = "制御文字は入力できません。取り除いてから入力してください。"


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None."""
    if NUL in value:
        return NUL_MESSAGE
    if _BIDI.search(value):
        return BIDI_MESSAGE
    if _CONTROL.search(value):
        return CONTROL_MESSAGE
    return None


def validate_text(value: object) -> None:
    """Every text field of every form (accounts.apps installs it on forms.CharField). NUL is
    left to Django's own validator, which every CharField has (its message: locale/ja)."""
    if not isinstance(value, str):
        return
    problem = text_problem(value.replace(NUL, ""))
    if problem is not None:
        raise ValidationError(problem, code="control_characters")


# フリガナ after NFKC and hiragana → katakana (liaison.text.kana, accounts' people forms):
# katakana, the long-vowel mark and single spaces. Anything else breaks the 50音 order.
_KANA = re.compile("[\u30a1-\u30fa\u30fc]+( [\u30a1-\u30fa\u30fc]+)*")
KANA_MESSAGE = (
    "フリガナはカタカナかひらがな（全角・半角のどちらでも）で入力してください。"
    "使えるのは仮名、空白と長音（ー）だけです（漢字・数字・記号は使えません）。"
)


def validate_kana(value: object) -> None:
    """A stored フリガナ (already folded to full-width katakana)."""
    if isinstance(value, str) and value and not _KANA.fullmatch(value):
        raise ValidationError(KANA_MESSAGE, code="kana")


def query_text(request, name: str, *, max_length: int = 100) -> str:
    """A search term read straight from a query string, outside a form: stripped, or a 400
    whose page says what was wrong (a NUL byte would otherwise reach the database)."""
    text = request.GET.get(name, "").strip()
    problem = text_problem(text)
    if problem is not None:
        raise BadInput(f"検索語を読み取れません。{problem}")
    if len(text) > max_length:
        raise BadInput(f"検索語は{max_length}文字以内で入力してください。")
    return text


# --- Dates ----------------------------------------------------------------------------------

# Every date a form takes lies in this range: a resident's birth, a card's filing, an
# appointment. Year 1 or 9999 is a typing slip, and arithmetic on it overflows.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
DATE_RANGE_MESSAGE = "日付は1900年1月1日から2100年12月31日までの間で入力してください。"


def validate_date_range(value: object) -> None:
    """Every DateField and DateTimeField of every form (accounts.apps installs it)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date) and not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_range")


# --- Free text ------------------------------------------------------------------------------

# What an officer writes in a note, a reason or a resident's concerns: enough for a page of
# A4, refused beyond (a paste of a whole document is a mistake, and a page must show it).
FREE_TEXT_MAX = 2000


def free_text_field(verbose_name: str, **kwargs) -> models.TextField:
    """A TextField with its limit checked by full_clean (services) and by forms alike: a
    TextField's own max_length only reaches the form."""
    return models.TextField(
        verbose_name,
        max_length=FREE_TEXT_MAX,
        validators=[MaxLengthValidator(FREE_TEXT_MAX)],
        **kwargs,
    )
