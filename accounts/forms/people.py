"""Forms of the HQ people pages: input shape only; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.utils.http import add_errors

from ..models import (
    Appointment,
    Beat,
    Department,
    Division,
    Headquarters,
    Post,
    Role,
    Station,
    UnitLevel,
)

_CHOOSE = ("", "選択してください")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _required(label: str) -> dict[str, str]:
    return {"required": f"{label}を入力してください。"}


def _chosen(label: str) -> dict[str, str]:
    return {
        "required": f"{label}を選んでください。",
        "invalid_choice": f"{label}を一覧から選んでください。",
    }


class UserCreateForm(forms.Form):
    employee_number = forms.CharField(
        label="職員番号",
        max_length=12,
        error_messages=_required("職員番号"),
        help_text="半角英数字4〜12文字。サインインに使います。",
    )
    full_name = forms.CharField(label="氏名", max_length=60, error_messages=_required("氏名"))
    full_name_kana = forms.CharField(
        label="フリガナ", max_length=120, required=False, help_text="全角カタカナ"
    )
    email = forms.EmailField(
        label="メールアドレス",
        required=False,
        error_messages={"invalid": "メールアドレスの形式が正しくありません。"},
    )
    password = forms.CharField(
        label="初期パスワード",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="12文字以上。空欄にすると、パスワードを設定するまでサインインできません。",
    )


class ReasonForm(forms.Form):
    """A destructive step's confirmation: the reason goes into the history."""

    reason = forms.CharField(
        label="理由", max_length=200, error_messages=_required("理由"), widget=forms.Textarea
    )


class EnableForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=200, required=False)


class EndForm(ReasonForm):
    ends_on = forms.DateField(
        label="終了日",
        widget=DateInput,
        error_messages={**_required("終了日"), "invalid": "日付の形式が正しくありません。"},
    )

    field_order = ["ends_on", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].initial = timezone.localdate()


def _unit_choices() -> list:
    posts = Post.objects.select_related("station").order_by("station__code", "name")
    return [
        _CHOOSE,
        (
            UnitLevel.HEADQUARTERS.label,
            [(f"headquarters:{hq.pk}", hq.name) for hq in Headquarters.objects.order_by("name")],
        ),
        (
            UnitLevel.STATION.label,
            [(f"station:{s.pk}", s.name) for s in Station.objects.order_by("code")],
        ),
        (
            UnitLevel.POST.label,
            [(f"post:{p.pk}", f"{p.name}（{p.station.name}）") for p in posts],
        ),
    ]


_UNIT_MODELS = {"headquarters": Headquarters, "station": Station, "post": Post}


class AppointmentForm(forms.Form):
    role = forms.ChoiceField(label="役職", error_messages=_chosen("役職"))
    unit = forms.ChoiceField(label="所属", error_messages=_chosen("所属"))
    department = forms.ModelChoiceField(
        label="所属課",
        required=False,
        queryset=Department.objects.select_related("station").order_by("station__code", "name"),
        empty_label="（なし）",
        error_messages={"invalid_choice": "所属課を一覧から選んでください。"},
    )
    division = forms.ModelChoiceField(
        label="本部の所属",
        required=False,
        queryset=Division.objects.order_by("code"),
        empty_label="（なし）",
        help_text="本部に発令するあんしんメールの役職（作成者・運用管理者・発信操作担当者など）",
        error_messages={"invalid_choice": "本部の所属を一覧から選んでください。"},
    )
    starts_on = forms.DateField(
        label="発令日",
        widget=DateInput,
        error_messages={**_required("発令日"), "invalid": "日付の形式が正しくありません。"},
    )
    ends_on = forms.DateField(
        label="終了日",
        required=False,
        widget=DateInput,
        help_text="決まっていなければ空欄",
        error_messages={"invalid": "日付の形式が正しくありません。"},
    )
    note = forms.CharField(label="備考", max_length=200, required=False)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["role"].choices = [_CHOOSE, *Role.choices]
        self.fields["unit"].choices = _unit_choices()
        self.fields["starts_on"].initial = timezone.localdate()

    def clean_unit(self) -> Headquarters | Station | Post:
        level, _, pk = self.cleaned_data["unit"].partition(":")
        unit = _UNIT_MODELS[level].objects.filter(pk=pk).first() if pk.isdigit() else None
        if unit is None:
            raise ValidationError("所属を一覧から選んでください。")
        return unit

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # The level rule and its wording live in Appointment.clean(); ask it here so that the
        # message sits at the field before anything is saved.
        unit = cleaned["unit"]
        draft = Appointment(
            user=self.person,
            role=cleaned["role"],
            department=cleaned.get("department"),
            division=cleaned.get("division"),
            starts_on=cleaned["starts_on"],
            ends_on=cleaned.get("ends_on"),
            **{type(unit)._meta.model_name: unit},
        )
        try:
            draft.clean()
        except ValidationError as exc:
            add_errors(self, exc)
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "unit": data["unit"],
            "department": data.get("department"),
            "division": data.get("division"),
            "starts_on": data["starts_on"],
            "ends_on": data.get("ends_on"),
            "note": data.get("note", ""),
        }


class BeatAssignmentForm(forms.Form):
    beat = forms.ChoiceField(label="受持区", error_messages=_chosen("受持区"))
    starts_on = forms.DateField(
        label="指定日",
        widget=DateInput,
        error_messages={**_required("指定日"), "invalid": "日付の形式が正しくありません。"},
    )
    ends_on = forms.DateField(
        label="終了日",
        required=False,
        widget=DateInput,
        help_text="決まっていなければ空欄",
        error_messages={"invalid": "日付の形式が正しくありません。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[int, str]]] = {}
        beats = Beat.objects.select_related("post__station").order_by(
            "post__station__code", "post__name", "name"
        )
        for beat in beats:
            label = f"{beat.post.name}（{beat.post.station.name}）"
            groups.setdefault(label, []).append((beat.pk, beat.name))
        self.fields["beat"].choices = [_CHOOSE, *groups.items()]
        self.fields["starts_on"].initial = timezone.localdate()

    def clean_beat(self) -> Beat:
        beat = Beat.objects.select_related("post").filter(pk=self.cleaned_data["beat"]).first()
        if beat is None:
            raise ValidationError("受持区を一覧から選んでください。")
        return beat
