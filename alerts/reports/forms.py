"""The period of the reports: ?from=YYYY-MM&to=YYYY-MM (month pickers). Input shape only."""

from __future__ import annotations

import datetime as dt

from django import forms

from accounts.forms.fields import MonthField
from accounts.utils import dates

# Five years of months is as far back as a report reads; wider is a typing slip.
MAX_MONTHS = 60
DEFAULT_MONTHS = 12


class ReportPeriodForm(forms.Form):
    """From and to (both months included); empty: the last twelve months to this one."""

    # `from` is a Python keyword: the fields are added under the address bar's names.
    def __init__(self, data, *, this_month: dt.date):
        super().__init__(data)
        self.this_month = this_month
        self.fields["from"] = MonthField(label="開始月", required=False)
        self.fields["to"] = MonthField(label="終了月", required=False)

    def clean(self):
        cleaned = super().clean()
        end = cleaned.get("to") or self.this_month
        start = cleaned.get("from") or dates.months_add(end, -(DEFAULT_MONTHS - 1))
        if "to" not in self.errors and end > self.this_month:
            self.add_error("to", "終了月は今月以前にしてください。")
        elif "from" not in self.errors and "to" not in self.errors:
            if start > end:
                self.add_error("to", "終了月は開始月と同じ月か、それより後にしてください。")
            elif (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
                self.add_error("from", f"期間は{MAX_MONTHS // 12}年以内にしてください。")
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def period_bounds(self) -> tuple[dt.date, dt.date]:
        """The chosen months, or the default twelve when the input was refused."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return dates.months_add(self.this_month, -(DEFAULT_MONTHS - 1)), self.this_month
