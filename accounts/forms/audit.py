"""The audit search forms: input shape only. Names are turned into ids by
accounts.audit.selectors.event_filter_resolve, not here."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError

from ..audit.selectors import Cursor
from ..inputs import validate_date_range
from ..models import AccessEvent, Station

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
_MINUTE = dt.timedelta(minutes=1)
_DAY = dt.timedelta(days=1)
# 2026-04-01, 2026/4/1, 2026-04-01T09:30 (an <input type="datetime-local">), 2026-04-01 9:30
_MOMENT = re.compile(
    r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:[T ](?P<hh>\d{1,2}):(?P<mm>\d{2})(?::\d{2}(?:\.\d+)?)?)?$"
)
FORMAT_ERROR = (
    "日付の形式が正しくありません。2026-04-01 のように、"
    "時刻まで指定するときは 2026-04-01T09:30 のように入力してください。"
)


class MomentField(forms.CharField):
    """A Tokyo date or date and minute, as typed: cleaned to (aware datetime, date only?)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 25)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"placeholder": "2026-04-01 または 2026-04-01T09:30", "class": "input--short"}
            ),
        )
        kwargs.setdefault("error_messages", {"max_length": FORMAT_ERROR})
        super().__init__(**kwargs)

    def clean(self, value):
        text = unicodedata.normalize("NFKC", super().clean(value) or "").strip()
        if not text:
            return None
        match = _MOMENT.match(text)
        if match is None:
            raise ValidationError(FORMAT_ERROR, code="invalid")
        parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
        try:
            moment = dt.datetime(
                parts["y"],
                parts["m"],
                parts["d"],
                parts.get("hh", 0),
                parts.get("mm", 0),
                tzinfo=TOKYO,
            )
        except ValueError:
            raise ValidationError("存在しない日付・時刻です。", code="invalid") from None
        validate_date_range(moment.date())
        return moment, "hh" not in parts


class AccessEventRangeForm(forms.Form):
    """開始・終了 and the page cursor: what every audit list takes.

    The end is inclusive: a date covers that whole day, a time that whole minute.
    """

    start = MomentField(label="開始")
    end = MomentField(label="終了", help_text="終了の日（時刻を指定したときはその分）を含みます。")
    # The keyset cursor of 「次の50件」: not shown, and never part of a new search.
    after = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def clean_after(self) -> Cursor | None:
        text = self.cleaned_data.get("after") or ""
        if not text:
            return None
        cursor = Cursor.decode(text)
        if cursor is None:
            raise ValidationError(
                "ページ送りの指定が正しくありません。「最新に戻る」から表示し直してください。"
            )
        return cursor

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and self.bounds()[1] <= start[0]:
            self.add_error("end", "終了が開始より前です。")
        return cleaned

    def bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """[start, end) in aware datetimes, the end made exclusive."""
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        lower = start[0] if start else None
        upper = None
        if end is not None:
            moment, date_only = end
            upper = moment + (_DAY if date_only else _MINUTE)
        return lower, upper

    @property
    def used(self) -> bool:
        """Whether any condition (not the cursor) was given."""
        return any(self.data.get(name) for name in self.fields if name != "after")


class AccessEventFilterForm(AccessEventRangeForm):
    """閲覧記録の検索. Every field optional; no field at all shows the latest events."""

    person = forms.CharField(
        label="職員（職員番号・氏名）",
        required=False,
        max_length=60,
        help_text="職員番号は完全一致、氏名・フリガナは一部でも検索できます。",
    )
    station = forms.ModelChoiceField(
        label="警察署",
        queryset=Station.objects.order_by("code"),
        required=False,
        empty_label="すべて",
        error_messages={"invalid_choice": "警察署を一覧から選んでください。"},
    )
    card = forms.CharField(
        label="カード番号",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )
    household = forms.CharField(
        label="世帯主・事業所名",
        required=False,
        max_length=60,
        help_text="漢字・かな。該当するカードの番号と場所だけを表示し、名前も内容も表示しません。"
        "入力した名前は記録に残しません。",
    )
    action = forms.ChoiceField(
        label="操作",
        required=False,
        choices=[("", "すべて"), *AccessEvent.Action.choices],
        error_messages={"invalid_choice": "操作を一覧から選んでください。"},
    )
    out_of_scope = forms.BooleanField(
        label="担当範囲外のみ",
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )
    break_glass = forms.BooleanField(
        label="緊急閲覧のみ",
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )

    field_order = [
        "person",
        "station",
        "card",
        "household",
        "action",
        "start",
        "end",
        "out_of_scope",
        "break_glass",
        "after",
    ]

    def clean_card(self) -> int | None:
        text = unicodedata.normalize("NFKC", self.cleaned_data.get("card") or "").strip()
        text = text.removeprefix("No.").removeprefix("NO.").strip()
        if not text:
            return None
        if not text.isdigit() or int(text) == 0:
            raise ValidationError("カード番号は数字で入力してください（例：123）。")
        return int(text)

    def resolve_kwargs(self) -> dict:
        """What accounts.audit.selectors.event_filter_resolve takes."""
        start, end = self.bounds()
        data = self.cleaned_data
        return {
            "person": data.get("person") or "",
            "station": data.get("station"),
            "card": data.get("card"),
            "household": data.get("household") or "",
            "action": data.get("action") or "",
            "start": start,
            "end": end,
            "out_of_scope": bool(data.get("out_of_scope")),
            "break_glass": bool(data.get("break_glass")),
        }
