"""The takeover confirmation form."""

from __future__ import annotations

from django import forms


class TakeoverConfirmForm(forms.Form):
    note = forms.CharField(
        label="所見（任意）",
        required=False,
        max_length=2000,
        help_text="前任者から聞いた事項や、今後の計画などを書き残せます。",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
