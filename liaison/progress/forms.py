"""Forms of the progress review: the month in the address bar, the monthly plan of an
officer and the period of an officer's figures. Input shape only; the rules (who may set
whose plan) are in liaison.planning.services.monthly_plan_set."""

from __future__ import annotations

import datetime as dt

from django import forms

from accounts.forms.fields import MonthField
from accounts.forms.people import DateInput

# The figures of an evaluation rarely reach back further; a wider period is a typing slip.
PERIOD_MAX_DAYS = 366 * 3


# Dates outside these make no sense here (and the day after 9999-12-31 does not exist).
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


class MonthlyPlanForm(forms.Form):
    """巡回連絡の計画 of one officer for one month."""

    officer = forms.TypedChoiceField(
        label="受持警察官",
        coerce=int,
        error_messages={
            "required": "受持警察官を選んでください。",
            "invalid_choice": "受持警察官を一覧から選んでください。",
        },
    )
    month = MonthField(label="月")
    planned_households = forms.IntegerField(
        label="計画戸数",
        min_value=0,
        max_value=9999,
        help_text="この月に巡回連絡を予定する世帯・事業所の数",
        error_messages={
            "required": "計画戸数を入力してください。",
            "invalid": "計画戸数は0以上の整数で入力してください。",
            "min_value": "計画戸数は0以上の整数で入力してください。",
            "max_value": "計画戸数は9999以下で入力してください。",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )
    areas = forms.CharField(
        label="重点地域",
        max_length=200,
        required=False,
        help_text="例：笠原町1・2丁目",
        error_messages={"max_length": "重点地域は200字以内で入力してください。"},
    )
    note = forms.CharField(
        label="備考",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "備考は1000字以内で入力してください。"},
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [
            (o.pk, f"{o.full_name}（{o.employee_number}）") for o in officers
        ]


class PeriodForm(forms.Form):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (`from` is a Python keyword: the fields are added in
    __init__ under the names of the address bar)."""

    def __init__(self, data, *, default_start: dt.date, default_end: dt.date):
        data = data.copy()
        if not data.get("from"):
            data["from"] = default_start.isoformat()
        if not data.get("to"):
            data["to"] = default_end.isoformat()
        super().__init__(data)
        invalid = "日付は「2026-04-01」のように入力してください。"
        self.fields["from"] = forms.DateField(
            label="開始日",
            widget=DateInput,
            error_messages={"required": "開始日を入力してください。", "invalid": invalid},
        )
        self.fields["to"] = forms.DateField(
            label="終了日",
            widget=DateInput,
            error_messages={"required": "終了日を入力してください。", "invalid": invalid},
        )

    def clean(self):
        cleaned = super().clean()
        for name in ("from", "to"):
            value = cleaned.get(name)
            if value and not (EARLIEST <= value <= LATEST):
                self.add_error(name, "2000年から2100年までの日付を入力してください。")
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end:
            if end < start:
                self.add_error("to", "終了日は開始日と同じ日か、それより後にしてください。")
            elif (end - start).days > PERIOD_MAX_DAYS:
                self.add_error("to", "期間は3年以内にしてください。")
        return cleaned
