"""Form fields every app's forms share: the month picker. Input shape only."""

from __future__ import annotations

import datetime as dt

from django import forms

from accounts.utils import dates

MONTH_INVALID = "月は「2026-04」のように、西暦4桁と月で入力してください。"


class MonthInput(forms.TextInput):
    """<input type="month">: a month picker on a tablet, 'YYYY-MM' as text elsewhere."""

    input_type = "month"

    def format_value(self, value):
        if isinstance(value, dt.date):
            return dates.month_value(value)
        return super().format_value(value)


class MonthField(forms.Field):
    """A month as the first day of it; anything but 「2026-04」 is refused at the field."""

    widget = MonthInput
    default_error_messages = {"invalid": MONTH_INVALID, "required": "月を入力してください。"}

    def to_python(self, value):
        if isinstance(value, dt.date):
            return value.replace(day=1)
        if value in self.empty_values:
            return None
        month = dates.parse_month(str(value))
        if month is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month
