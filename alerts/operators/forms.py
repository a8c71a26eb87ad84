"""Forms of the designation of the 発信操作担当者: input shape only. Whether the person is of
the division, designated already, or the 課長 himself is the service's to say, at the
`user` field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.forms.people import DateInput
from accounts.inputs import parse_id
from accounts.models import User

from .selectors import Candidate


class OperatorDesignateForm(forms.Form):
    user = forms.CharField(
        label="指定する職員",
        widget=forms.Select,
        error_messages={"required": "指定する職員を選んでください。"},
    )
    starts_on = forms.DateField(
        label="指定日",
        widget=DateInput,
        help_text="この日から発信操作ができます（今日なら、すぐに）。",
        error_messages={
            "required": "指定日を入力してください。",
            "invalid": "日付の形式が正しくありません。",
        },
    )
    note = forms.CharField(
        label="備考",
        max_length=200,
        required=False,
        help_text="発令の記録に残ります（例：人事異動に伴う指定）。",
    )

    def __init__(
        self, *args: Any, candidates: list[Candidate], division_name: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "user"
        ].help_text = (
            f"{division_name}に発令されている職員です（すでに指定されている人を除きます）。"
        )
        self.fields["starts_on"].initial = timezone.localdate()
        self.fields["user"].widget.choices = [("", "選んでください")] + [
            (
                c.user.pk,
                f"{c.user.full_name}（{c.user.employee_number}）"
                + (f" {'・'.join(c.roles)}" if c.roles else ""),
            )
            for c in candidates
        ]

    def clean_user(self) -> User:
        pk = parse_id(self.cleaned_data["user"])
        person = User.objects.filter(pk=pk).first() if pk is not None else None
        if person is None:
            raise ValidationError("指定する職員を一覧から選んでください。")
        return person

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "user": data["user"],
            "starts_on": data["starts_on"],
            "note": data.get("note") or "",
        }


class OperatorEndForm(forms.Form):
    reason = forms.CharField(
        label="終了の理由",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="発令の記録に残ります（例：人事異動、担当の交代）。",
        error_messages={"required": "終了の理由を入力してください。"},
    )
