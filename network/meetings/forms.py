"""Forms of 地域安全の会: record one held, with the requests raised (the exchanges' request
rows). Input shape only; the rules are in network.meetings.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import Station, User
from network.bulletins.forms import date_field
from network.exchanges.forms import text_field
from network.meetings import selectors
from network.members.models import LiaisonMember


class MembersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: LiaisonMember) -> str:
        return f"{obj.name}（{obj.name_kana}）"


class StaffField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


class MeetingForm(forms.Form):
    held_on = date_field("開催日")
    place = forms.CharField(
        label="場所",
        max_length=120,
        error_messages={
            "required": "場所を入力してください。",
            "max_length": "場所は120文字以内で入力してください。",
        },
    )
    joined_to = forms.CharField(
        label="既存の会合に合わせて開催",
        max_length=120,
        required=False,
        help_text="自治会の定例会などに合わせて開催したときは、その会合の名称。単独開催なら空欄。",
        error_messages={"max_length": "会合の名称は120文字以内で入力してください。"},
    )
    members = MembersField(
        label="出席した連絡員",
        queryset=LiaisonMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "出席した連絡員を一覧から選んでください。"},
    )
    staff = StaffField(
        label="出席した職員",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "出席した職員を一覧から選んでください。"},
    )
    agenda = forms.CharField(
        label="議題",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "議題を入力してください。",
            "max_length": "議題は2000文字以内で入力してください。",
        },
    )
    minutes = text_field("議事の概要", rows=5)

    def __init__(self, *args: Any, user: User, station: Station, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["members"].queryset = selectors.meeting_member_choices(
            user=user, station=station
        )
        self.fields["staff"].queryset = selectors.meeting_staff_choices(station=station)
        self.fields["staff"].initial = [user.pk]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "place": data["place"],
            "joined_to": data["joined_to"],
            "members": list(data["members"]),
            "staff": list(data["staff"]),
            "agenda": data["agenda"],
            "minutes": data["minutes"],
        }
