"""Input shapes of the archive: the public filter (area, category, month) and the reason of
a withdrawal. Rules live in alerts.archive.policy and services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from accounts.utils.dates import parse_month

from . import selectors
from .services import REASON_MAX


class ArchiveFilterForm(forms.Form):
    """?area=m-<団体コード>|s-<署コード>&category=<区分コード>&month=YYYY-MM, shared by the
    archive list and the Atom feed. Unknown values are an error at the field, in Japanese."""

    area = forms.ChoiceField(
        label="地域",
        required=False,
        error_messages={"invalid_choice": "地域は一覧から選んでください。"},
    )
    category = forms.ModelChoiceField(
        label="配信区分",
        queryset=selectors.archive_categories(),
        to_field_name="code",
        required=False,
        empty_label="すべて",
        error_messages={"invalid_choice": "配信区分は一覧から選んでください。"},
    )
    month = forms.CharField(
        label="配信月",
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-12"}),
        error_messages={"max_length": "配信月は「2026-12」の形で入力してください。"},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.areas = {a.key: a for a in selectors.archive_areas()}
        groups: dict[str, list[tuple[str, str]]] = {}
        for area in self.areas.values():
            station = area.station or (area.municipality.station if area.municipality else None)
            label = station.name if station is not None else ""
            text = f"{area.label}（全域）" if area.station is not None else area.label
            groups.setdefault(label, []).append((area.key, text))
        self.fields["area"].choices = [("", "すべて"), *groups.items()]
        self.fields["category"].queryset = selectors.archive_categories()

    def clean_area(self) -> selectors.Area | None:
        key = self.cleaned_data.get("area") or ""
        return self.areas.get(key)

    def clean_month(self) -> dt.date | None:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError("配信月は「2026-12」の形で入力してください。")
        return month

    def filters(self) -> dict[str, Any]:
        """The valid filters (empty when the form is unbound or has errors)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="取り消す理由",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="公開ページとフィードに表示されます。個人が特定される内容は書かないでください。",
        error_messages={
            "required": "取り消す理由を入力してください。",
            "max_length": f"取り消す理由は{REASON_MAX}文字以内で入力してください。",
        },
    )
