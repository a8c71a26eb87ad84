"""The form of a beat's areas: one town or 丁目 per line; the reading and the rules are in
liaison.areas."""

from __future__ import annotations

from django import forms


class BeatAreaForm(forms.Form):
    areas = forms.CharField(
        label="受持区の区域（町字・丁目）",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="1行に1つ、町字だけ（例：笠原町＝町字の全域）か、町字と丁目（例：千波町一丁目）を"
        "書きます。番地は書きません。空にすると、この受持区の区域はなくなります。",
    )
    reason = forms.CharField(
        label="変更の理由",
        max_length=200,
        required=False,
        help_text="例：受持区の見直し（令和8年4月1日）",
    )
