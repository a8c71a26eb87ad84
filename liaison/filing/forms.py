"""Forms of a card's steps: the version it was read at, the beat it is assigned or moved
to, the close reason."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from liaison.cards.fields import _CHOOSE, JapaneseDateField
from liaison.cards.models import (
    CloseReason,
    LiaisonBook,
)


# --- Life-cycle steps -----------------------------------------------------------------------------
class VersionForm(forms.Form):
    """The version the page showed; a stale one is refused by the service."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AssignForm(VersionForm):
    book = forms.ModelChoiceField(
        label="受持区",
        queryset=LiaisonBook.objects.none(),
        empty_label="選択してください",
        error_messages={
            "required": "受持区を選んでください。",
            "invalid_choice": "受持区を一覧から選んでください。",
        },
    )

    def __init__(self, *args, books, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["book"].queryset = books
        self.fields["book"].label_from_instance = _book_label


def _book_label(book: LiaisonBook) -> str:
    return f"{book.beat.post.name} {book.beat.name}"


class MoveForm(AssignForm):
    reason = forms.CharField(
        label="理由",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "例：受持区の境界の変更（令和8年4月1日）"}),
        error_messages={"required": "受持区を変更する理由を入力してください。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["book"].label = "移す先の受持区"


class CloseForm(VersionForm):
    reason = forms.ChoiceField(
        label="廃止理由",
        choices=[_CHOOSE, *CloseReason.choices],
        error_messages={
            "required": "廃止理由を選んでください。",
            "invalid_choice": "廃止理由を一覧から選んでください。",
        },
    )
    closed_on = JapaneseDateField(
        label="廃止日",
        help_text="転出・廃業などの日。未来の日付は入力できません。",
        error_messages={"required": "廃止日を入力してください。"},
    )
    note = forms.CharField(
        label="詳細",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "例：○○市へ転出"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()

    def clean_closed_on(self) -> dt.date:
        value = self.cleaned_data["closed_on"]
        if value > timezone.localdate():
            raise ValidationError("廃止日に未来の日付は入力できません。")
        return value
