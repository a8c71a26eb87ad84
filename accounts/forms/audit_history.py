"""The change-history search form of the HQ audit: input shape only."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError

from ..audit import registry
from ..audit.history import Cursor, HistoryFilter

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
DATE_ERROR = "日付は 2026-04-01 のように入力してください。"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class HistoryFilterForm(forms.Form):
    source = forms.ChoiceField(
        label="対象の種類",
        required=False,
        error_messages={"invalid_choice": "対象の種類を一覧から選んでください。"},
    )
    person = forms.CharField(
        label="変更した職員",
        required=False,
        max_length=60,
        help_text="職員番号、または氏名・フリガナの一部",
        error_messages={"max_length": "60文字以内で入力してください。"},
    )
    date_from = forms.DateField(
        label="期間（開始日）",
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": DATE_ERROR},
    )
    date_to = forms.DateField(
        label="期間（終了日）",
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text="終了日を含みます。",
        error_messages={"invalid": DATE_ERROR},
    )
    object_id = forms.IntegerField(
        label="対象ID",
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="カード No. などの番号",
        error_messages={
            "invalid": "対象IDは半角数字で入力してください。",
            "min_value": "対象IDは1以上の数字で入力してください。",
            "max_value": "対象IDが大きすぎます。",
        },
    )
    # The keyset cursor of 「次の50件」: not shown, and never part of a new search.
    after = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "すべて")] + [
            (s.key, s.label) for s in registry.history_sources()
        ]

    def clean_person(self) -> str:
        return unicodedata.normalize("NFKC", self.cleaned_data.get("person") or "").strip()

    def clean_after(self) -> Cursor | None:
        text = self.cleaned_data.get("after") or ""
        if not text:
            return None
        cursor = Cursor.decode(text)
        if cursor is None or registry.history_source(cursor.key) is None:
            raise ValidationError(
                "ページの指定が正しくありません。最初のページから開き直してください。"
            )
        return cursor

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "終了日は開始日以降の日付にしてください。")
        return data

    def filters(self) -> HistoryFilter:
        data = self.cleaned_data
        return HistoryFilter(
            source=data.get("source") or "",
            person=data.get("person") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            object_id=data.get("object_id"),
        )
