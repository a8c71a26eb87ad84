"""Helpers for the card page tests: post a card form as the browser would.

`form_fields(html)` reads the first form with method=post from a page the way a browser
submits it (inputs, checked boxes, selected options, textareas; nothing inside a <template>,
which is what card_form.js clones). Tests change what an officer would type and post it.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__()
        self.form_id = form_id
        self.fields: list[tuple[str, str]] = []
        self.in_form = False
        self.done = False
        self.template_depth = 0
        self.select: str | None = None
        self.select_options: list[tuple[str, bool]] = []
        self.option_value: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self.template_depth += 1
        if self.template_depth or self.done:
            return
        if tag == "form" and not self.in_form:
            if (a.get("method") or "").lower() == "post" and (
                self.form_id is None or a.get("id") == self.form_id
            ):
                self.in_form = True
            return
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "on"))
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self.select, self.select_options = name, []
        elif tag == "option" and self.select is not None:
            self.option_value = a.get("value", "")
            self.select_options.append((self.option_value, "selected" in a))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []

    def handle_endtag(self, tag):
        if tag == "template":
            self.template_depth -= 1
            return
        if self.template_depth or not self.in_form:
            return
        if tag == "form":
            self.in_form, self.done = False, True
        elif tag == "select" and self.select is not None:
            chosen = [v for v, selected in self.select_options if selected]
            first = self.select_options[0][0] if self.select_options else ""
            self.fields.append((self.select, chosen[0] if chosen else first))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            value = "".join(self.text)
            self.fields.append((self.textarea, value[1:] if value.startswith("\n") else value))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.text.append(data)


def form_fields(html: str, form_id: str | None = None) -> dict[str, Any]:
    reader = _FormReader(form_id)
    reader.feed(html)
    return dict(reader.fields)


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
