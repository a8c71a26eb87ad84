"""Forms of a handed card (手交): input shape only; the rules are in
liaison.handouts.services."""

from __future__ import annotations

from django import forms

from accounts.forms.people import DateInput
from accounts.inputs import FREE_TEXT_MAX

_DATE = "日付は「2026-04-01」のように入力してください。"


class HandoutForm(forms.Form):
    beat = forms.TypedChoiceField(
        label="受持区",
        coerce=int,
        error_messages={
            "required": "受持区を選んでください。",
            "invalid_choice": "受持区を一覧から選んでください。",
        },
    )
    town = forms.CharField(label="町字", max_length=60, required=False)
    banchi = forms.CharField(
        label="番地", max_length=40, required=False, help_text="例：1-2-3、12番地5"
    )
    building = forms.CharField(label="建物名", max_length=80, required=False)
    room = forms.CharField(label="部屋番号", max_length=20, required=False)
    resident_name = forms.CharField(
        label="氏名（分かれば）",
        max_length=60,
        required=False,
        help_text="世帯主など、手渡した相手",
    )
    handed_on = forms.DateField(
        label="手交日",
        widget=DateInput,
        error_messages={"required": "手交日を入力してください。", "invalid": _DATE},
    )
    collect_by = forms.DateField(
        label="回収予定日",
        widget=DateInput,
        error_messages={"required": "回収予定日を入力してください。", "invalid": _DATE},
    )

    def __init__(self, *args, beats, card=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.card = card
        self.fields["beat"].choices = [(b.pk, f"{b.post.name} {b.name}") for b in beats]
        if len(beats) == 1 or card is not None:
            self.fields["beat"].widget = forms.HiddenInput()
            self.fields["beat"].initial = card.book_id if card is not None else beats[0].pk
        if card is not None:
            # The card's own address: nothing to type.
            for name in ("town", "banchi", "building", "room", "resident_name"):
                del self.fields[name]
        else:
            self.fields["town"].required = True
            self.fields["town"].error_messages["required"] = "町字を入力してください。"
            self.fields["banchi"].required = True
            self.fields["banchi"].error_messages["required"] = "番地を入力してください。"


class HandoutGiveUpForm(forms.Form):
    reason = forms.CharField(
        label="断念の理由",
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例：転出したため、記入を断られたため",
        error_messages={"required": "回収を断念する理由を入力してください。"},
    )
