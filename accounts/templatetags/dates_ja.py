"""Template filters over accounts.utils.dates, loaded in every template (settings: builtins).

    {{ card.filed_at|datetime_ja }}        2026年12月5日 00:59 (Tokyo time)
    {{ night.date|date_ja:"曜日" }}        2026年12月5日（土）
    {{ a.starts_on|date_ja:"月日" }}       12月5日
    {{ e.occurred_at|datetime_ja:"秒" }}   2026年12月5日 00:59:07
    {{ member.birth_date|birth_date_ja }}  1960年5月1日（昭和35年）
    {{ today|wareki }}                     令和8年12月5日

Options are words joined by 「・」: 月日 (no year), 曜日 (weekday), 秒 (seconds).
"""

from __future__ import annotations

from typing import Any

from django import template

from ..utils import dates, text

register = template.Library()


def _options(arg: str | None) -> set[str]:
    return {word.strip() for word in (arg or "").split("・") if word.strip()}


@register.filter
def date_ja(value: Any, arg: str | None = None) -> str:
    options = _options(arg)
    return dates.date_ja(value, year="月日" not in options, weekday="曜日" in options)


@register.filter
def datetime_ja(value: Any, arg: str | None = None) -> str:
    options = _options(arg)
    return dates.datetime_ja(value, year="月日" not in options, seconds="秒" in options)


@register.filter
def time_ja(value: Any, arg: str | None = None) -> str:
    return dates.time_ja(value, seconds="秒" in _options(arg))


@register.filter
def month_ja(value: Any) -> str:
    return dates.month_ja(value)


@register.filter
def wareki(value: Any, arg: str | None = None) -> str:
    return dates.wareki(value, weekday="曜日" in _options(arg))


@register.filter
def wareki_year(value: Any) -> str:
    return dates.wareki_year(value)


@register.filter
def birth_date_ja(value: Any) -> str:
    return dates.birth_date_ja(value)


@register.filter
def postal_ja(value: Any) -> str:
    """{{ member.postal_code|postal_ja }} → 〒310-0852 (accounts.utils.text.postal_display)."""
    return text.postal_display(str(value or ""))
