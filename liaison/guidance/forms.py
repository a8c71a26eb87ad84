"""The note a 地域課長等 or the 署長 writes on an officer's period page: input shape only;
who may write which kind is liaison.guidance.services."""

from __future__ import annotations

from django import forms

from accounts.inputs import FREE_TEXT_MAX
from liaison.guidance.models import OfficerNote


class OfficerNoteForm(forms.Form):
    kind = forms.ChoiceField(
        label="種別",
        error_messages={
            "required": "種別を選んでください。",
            "invalid_choice": "種別を一覧から選んでください。",
        },
    )
    body = forms.CharField(
        label="内容",
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "内容を入力してください。"},
    )
    period_from = forms.DateField(required=False, widget=forms.HiddenInput)
    period_to = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = list(kinds)
        labels = dict(OfficerNote.Kind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in self.kinds]
        if len(self.kinds) == 1:
            # One kind (指導): nothing to choose; clean_kind gives it.
            self.fields["kind"].initial = self.kinds[0]
            self.fields["kind"].required = False
            self.fields["kind"].widget = forms.HiddenInput()
        if self.kinds == [OfficerNote.Kind.GUIDANCE]:
            self.fields["body"].label = "具体的な指導の内容"
            self.fields[
                "body"
            ].help_text = (
                "地域の実態、受持警察官の能力・個性に応じた指導を具体的に書きます（要領第3-2(4)）。"
            )
        else:
            self.fields["body"].label = "評価・賞揚の内容"
            self.fields[
                "body"
            ].help_text = "巡回連絡の取組に対する評価や賞揚を書きます（要領第3-2(4)）。"

    def clean_kind(self) -> str:
        if len(self.kinds) == 1:
            return self.kinds[0]
        return self.cleaned_data["kind"]
