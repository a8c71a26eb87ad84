"""Forms of the anomaly cases and the audit report: input shape only; the rules (who may
review, which move is allowed, that a note is needed) are in accounts.audit.cases."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from ..models import AnomalyCase, Station
from .months import parse_month
from .people import DateInput

NOTE_MAX = 2000
MONTH_INVALID = "月は「2026-04」のように、西暦4桁と月で入力してください。"
EARLIEST = dt.date(2000, 1, 1)


class CaseFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="種別",
        required=False,
        choices=[("", "すべて"), *AnomalyCase.Kind.choices],
        error_messages={"invalid_choice": "種別を一覧から選んでください。"},
    )
    status = forms.ChoiceField(
        label="状態",
        required=False,
        choices=[("", "すべて"), *AnomalyCase.Status.choices],
        error_messages={"invalid_choice": "状態を一覧から選んでください。"},
    )
    station = forms.ModelChoiceField(
        label="警察署",
        required=False,
        queryset=Station.objects.none(),
        empty_label="すべて",
        error_messages={"invalid_choice": "警察署を一覧から選んでください。"},
    )
    overdue = forms.BooleanField(label="期限を過ぎた未確認のみ", required=False)

    def __init__(self, *args, stations=None, overdue_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if stations is not None:
            self.fields["station"].queryset = stations
        if overdue_label:
            self.fields["overdue"].label = f"{overdue_label}のみ"

    def filters(self) -> dict:
        """The valid filters; a wrong one is shown at its field and ignored."""
        data = self.cleaned_data if self.is_bound else {}
        return {
            "kind": data.get("kind") or "",
            "status": data.get("status") or "",
            "station": data.get("station"),
            "overdue_only": bool(data.get("overdue")),
        }


class CaseReviewForm(forms.Form):
    """One step of a case's review: where to, and the note. The choices are the moves this
    reviewer may make on this case now."""

    to_status = forms.ChoiceField(
        label="確認の結果",
        choices=(),
        error_messages={
            "required": "確認の結果を選んでください。",
            "invalid_choice": "この事案に選べない確認の結果です。",
        },
    )
    note = forms.CharField(
        label="所見",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="説明済み：本人の説明の内容。上申・終結：その理由。個人名や住所は書かないでください。",
        error_messages={"max_length": f"所見は{NOTE_MAX}文字以内で入力してください。"},
    )

    def __init__(self, *args, moves: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = moves


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


class DetectForm(forms.Form):
    day = forms.DateField(
        label="対象日",
        widget=DateInput(),
        help_text="この日（0時〜24時）の閲覧記録を調べます。通常は前日分を毎日自動で調べています。",
        error_messages={
            "required": "対象日を入力してください。",
            "invalid": "対象日は「2026-04-01」のように入力してください。",
        },
    )

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError("未来の日付は指定できません。")
        if day < EARLIEST:
            raise forms.ValidationError("2000年1月1日以降の日付を入力してください。")
        return day


class MonthInput(forms.TextInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        return super().format_value(value)


class ReportMonthForm(forms.Form):
    month = forms.CharField(label="表示する月", required=False, widget=MonthInput())

    def clean_month(self) -> dt.date:
        value = self.cleaned_data["month"]
        if not value:
            return timezone.localdate().replace(day=1)
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(MONTH_INVALID)
        return month
