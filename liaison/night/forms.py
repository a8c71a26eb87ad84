"""Forms of 夜間巡回連絡: ask, decide."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Beat
from liaison.visits.forms import _date_field, _time_field


class BeatChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Beat) -> str:
        return f"{obj.post.name} {obj.name}"


class NightRequestForm(forms.Form):
    """夜間巡回連絡の承認申請 (要領 第5-3): the date, the planned hours, the beats, the reason."""

    date = _date_field("実施日")
    planned_start = _time_field("開始予定")
    planned_end = _time_field(
        "終了予定", help_text="夜間の巡回連絡は、おおむね午後8時までに終えます。"
    )
    beats = BeatChoiceField(
        label="受持区（任意）",
        queryset=Beat.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="選ばなければ、自分のすべての受持区が対象です。",
        error_messages={"invalid_choice": "自分の受持区を選んでください。"},
    )
    reason = forms.CharField(
        label="理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="夜間に行う理由（例：日中不在の世帯を訪問するため）。",
        error_messages={
            "required": "夜間に行う理由を入力してください（例：日中不在の世帯）。",
            "max_length": "理由は1000文字以内で入力してください。",
        },
    )

    def __init__(self, *args: Any, beats: list[Beat], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["beats"]
        field.queryset = (
            Beat.objects.filter(pk__in=[b.pk for b in beats])
            .select_related("post")
            .order_by("post__name", "name")
        )


class NightDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="決裁",
        choices=[("approve", "承認"), ("reject", "不承認")],
        error_messages={
            "required": "承認か不承認かを選んでください。",
            "invalid_choice": "承認か不承認かを選んでください。",
        },
    )
    comment = forms.CharField(
        label="意見",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不承認のときは理由が必要です。承認のときは任意です。",
        error_messages={"max_length": "意見は1000文字以内で入力してください。"},
    )
