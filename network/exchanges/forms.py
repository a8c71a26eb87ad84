"""Forms of exchanges: record one, with the requests heard (a small formset shared with
地域安全の会). Input shape only; the rules are in network.exchanges.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Department, User
from network.bulletins.forms import date_field
from network.bulletins.models import Bulletin
from network.bulletins.selectors import bulletin_current_list
from network.exchanges import selectors
from network.exchanges.models import ExchangeOccasion
from network.exchanges.policy import exchange_stations, staff_departments
from network.exchanges.services import MINUTES_MAX
from network.members.models import LiaisonMember
from network.requests.services import RequestInput, default_due

TEXT_MAX = 2000
REQUEST_ROWS = 3


def text_field(label: str, *, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"{label}は{TEXT_MAX}文字以内で入力してください。"},
        **kwargs,
    )


def _default_due() -> dt.date:
    return default_due(timezone.localdate())


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return obj.name


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LiaisonMember) -> str:
        return f"{obj.name}（{obj.name_kana}）"


class RequestForm(forms.Form):
    """One request heard: the department of the station that acts on it, what, by when.
    A row left empty is no request."""

    department = DepartmentChoiceField(
        label="対応する課",
        queryset=Department.objects.none(),
        required=False,
        empty_label="選んでください",
        error_messages={"invalid_choice": "対応する課を一覧から選んでください。"},
    )
    text = text_field("要望の内容", rows=2)
    due_on = date_field("対応期限", initial=_default_due, required=False)

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("text", "").strip() and not data.get("department"):
            self.add_error("department", "要望を受けた課を選んでください。")
        if data.get("department") and not data.get("text", "").strip():
            self.add_error("text", "要望の内容を入力してください。")
        return data

    def request_input(self) -> RequestInput | None:
        data = self.cleaned_data
        if not data.get("department"):
            return None
        return RequestInput(
            department=data["department"],
            text=data["text"],
            due_on=data.get("due_on") or _default_due(),
        )


RequestFormSet = forms.formset_factory(RequestForm, extra=REQUEST_ROWS, max_num=REQUEST_ROWS)


def request_formset(data: Any, *, departments: QuerySet[Department]) -> forms.BaseFormSet:
    return RequestFormSet(data, prefix="requests", form_kwargs={"departments": departments})


def request_inputs(formset: forms.BaseFormSet) -> list[RequestInput]:
    rows = (form.request_input() for form in formset.forms if form.has_changed())
    return [row for row in rows if row is not None]


class ExchangeForm(forms.Form):
    """One exchange with a 連絡員 (3⑴ア・イ). No field asks whether he passes the
    information on: that is his own decision (3⑵ただし)."""

    held_on = date_field("日付")
    member = MemberChoiceField(
        label="連絡員",
        queryset=LiaisonMember.objects.none(),
        empty_label="選んでください",
        error_messages={
            "required": "連絡員を選んでください。",
            "invalid_choice": "連絡員を一覧から選んでください。",
        },
    )
    department = DepartmentChoiceField(
        label="課",
        queryset=Department.objects.none(),
        empty_label="選んでください",
        help_text="情報交換をした職員（あなた）の課。",
        error_messages={
            "required": "課を選んでください。",
            "invalid_choice": "課を一覧から選んでください。",
        },
    )
    occasion = forms.ChoiceField(
        label="機会",
        choices=ExchangeOccasion.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "機会を選んでください。",
            "invalid_choice": "機会を一覧から選んでください。",
        },
    )
    minutes = forms.IntegerField(
        label="所要時間（分）",
        min_value=1,
        max_value=MINUTES_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "所要時間を分で入力してください。",
            "invalid": "所要時間を数字（分）で入力してください。",
            "min_value": f"所要時間は1分から{MINUTES_MAX}分までで入力してください。",
            "max_value": f"所要時間は1分から{MINUTES_MAX}分までで入力してください。",
        },
    )
    bulletins = forms.ModelMultipleChoiceField(
        label="手渡した地域安全情報",
        queryset=Bulletin.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="現在掲載中の地域安全情報から選びます。",
        error_messages={"invalid_choice": "地域安全情報を一覧から選んでください。"},
    )
    handed_text = text_field("伝えた情報（自由記載）")
    heard = text_field("聴取した意見・要望・情報", rows=4)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["held_on"].initial = today
        self.fields["member"].queryset = selectors.exchange_member_choices(user=user)
        stations = list(exchange_stations(user).values_list("pk", flat=True))
        department_ids: list[int] = []
        for station_id in stations:
            department_ids += list(staff_departments(user, station_id).values_list("pk", flat=True))
        departments = Department.objects.filter(pk__in=department_ids).order_by("pk")
        self.fields["department"].queryset = departments
        if len(department_ids) == 1:
            self.fields["department"].initial = department_ids[0]
        self.fields["bulletins"].queryset = bulletin_current_list(user=user, today=today)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "member": data["member"],
            "held_on": data["held_on"],
            "department": data["department"],
            "occasion": data["occasion"],
            "minutes": data["minutes"],
            "bulletins": list(data["bulletins"]),
            "handed_text": data["handed_text"],
            "heard": data["heard"],
        }
