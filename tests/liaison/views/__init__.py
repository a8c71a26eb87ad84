"""Helpers for the card page tests: post a card form as the browser would.

`form_fields(html)` (tests/html.py) reads the first form with method=post from a page the way
a browser submits it (nothing inside a <template>, which is what card_form.js clones). Tests
change what an officer would type and post it.
"""

from __future__ import annotations

from typing import Any

from tests.html import form_fields

__all__ = ["form_fields", "formset_rows", "household_post", "page"]


def page(response) -> str:
    return response.content.decode()


def formset_rows(prefix: str, rows: list[dict[str, Any]], *, initial: int = 0) -> dict[str, Any]:
    """What the browser posts for a formset whose rows were typed (or added by the
    「追加」 button, which only raises TOTAL_FORMS)."""
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


ADDRESS = {
    "postal_code": "310-0852",
    "prefecture": "茨城県",
    "city": "水戸市",
    "town": "笠原町",
    "banchi": "1-2-3",
    "building": "",
    "room": "",
}

THREE_MEMBERS = [
    {
        "name": "水戸 太郎",
        "kana": "みと たろう",
        "relationship": "head",
        "birth_date": "1970/4/1",
        "occupation": "会社員",
        "workplace": "水戸市役所",
        "phone": "090-1234-5678",
    },
    {
        "name": "水戸 花子",
        "kana": "ミト ハナコ",
        "relationship": "spouse",
        "birth_date": "昭和50年5月5日",
    },
    {"name": "水戸 一郎", "kana": "ﾐﾄ ｲﾁﾛｳ", "relationship": "child", "occupation": "小学生"},
]


def household_post(
    *, members=None, vehicles=(), action: str = "file", **fields: Any
) -> dict[str, Any]:
    """A household card form as posted after typing three members (the first row is on
    the page; 「世帯員を追加」 added the other two)."""
    data: dict[str, Any] = {
        **ADDRESS,
        "phone": "029-123-4567",
        "residence_type": "owned_house",
        "moved_in_on": "",
        "emergency_name": "",
        "emergency_relation": "",
        "emergency_phone": "",
        "care_language": "",
        "concerns": "",
        "made_by": "interview",
        "version": "",
        "action": action,
    }
    data.update(formset_rows("members", THREE_MEMBERS if members is None else members))
    data.update(formset_rows("vehicles", list(vehicles)))
    data.update(fields)
    return data
