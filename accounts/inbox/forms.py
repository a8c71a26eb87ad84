from __future__ import annotations

from django import forms

from .registry import OPEN, STATES


class InboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="状態", choices=list(STATES.items()), required=False, initial=OPEN
    )

    def state_value(self) -> str:
        """The chosen state; an unknown one reads as 未対応."""
        if self.is_valid() and self.cleaned_data["state"]:
            return self.cleaned_data["state"]
        return OPEN
