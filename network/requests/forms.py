from __future__ import annotations

from django import forms

from accounts.inputs import FREE_TEXT_MAX


class RequestCloseForm(forms.Form):
    action_taken = forms.CharField(
        label="対応の内容",
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="この課が何をしたか（連絡員への回答を含む）。",
        error_messages={
            "required": "対応の内容を入力してください。",
            "max_length": f"対応の内容は{FREE_TEXT_MAX}文字以内で入力してください。",
        },
    )
