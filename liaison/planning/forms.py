"""Forms of planning: visit-frequency policy, 専従日. Input shape only."""

from __future__ import annotations

from typing import Any

from django import forms

from liaison.planning.models import VisitPolicy

CYCLE_FIELDS = (
    "default_cycle_days",
    "elderly_alone_cycle_days",
    "elderly_only_cycle_days",
    "needs_support_cycle_days",
    "foreign_cycle_days",
)


KIND_FIELDS = ("count_households", "count_businesses", "count_apartments")


POLICY_FIELDS = CYCLE_FIELDS + KIND_FIELDS


def _label(name: str) -> str:
    return str(VisitPolicy._meta.get_field(name).verbose_name)


class VisitPolicyForm(forms.Form):
    """実施頻度の変更. A cycle left empty means the card follows the default cycle."""

    default_cycle_days = forms.IntegerField(
        label=_label("default_cycle_days"),
        min_value=1,
        max_value=3650,
        help_text="要配意事項のないカードを巡回連絡する周期です（例：365日＝1年に1回）。",
        widget=forms.NumberInput(attrs={"class": "input--short", "inputmode": "numeric"}),
    )
    elderly_alone_cycle_days = forms.IntegerField(
        label=_label("elderly_alone_cycle_days"), min_value=1, max_value=3650, required=False
    )
    elderly_only_cycle_days = forms.IntegerField(
        label=_label("elderly_only_cycle_days"), min_value=1, max_value=3650, required=False
    )
    needs_support_cycle_days = forms.IntegerField(
        label=_label("needs_support_cycle_days"), min_value=1, max_value=3650, required=False
    )
    foreign_cycle_days = forms.IntegerField(
        label=_label("foreign_cycle_days"), min_value=1, max_value=3650, required=False
    )
    count_households = forms.BooleanField(label=_label("count_households"), required=False)
    count_businesses = forms.BooleanField(label=_label("count_businesses"), required=False)
    count_apartments = forms.BooleanField(
        label=_label("count_apartments"),
        required=False,
        help_text=str(VisitPolicy._meta.get_field("count_apartments").help_text),
    )
    reason = forms.CharField(
        label="変更の理由",
        max_length=200,
        help_text="変更の履歴に残ります（例：高齢者の単身世帯への訪問を増やすため）。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CYCLE_FIELDS[1:]:
            field = self.fields[name]
            field.help_text = "空欄：通常の周期に従います。"
            field.widget.attrs.update({"class": "input--short", "inputmode": "numeric"})
        for field in self.fields.values():
            field.error_messages.setdefault("required", "入力してください。")
            field.error_messages["min_value"] = "1日以上にしてください。"
            field.error_messages["max_value"] = "3650日（10年）以下にしてください。"
            field.error_messages["invalid"] = "日数を数字で入力してください。"
        self.fields["reason"].error_messages["required"] = "変更の理由を入力してください。"

    @staticmethod
    def initial_from(policy: VisitPolicy) -> dict[str, Any]:
        return {name: getattr(policy, name) for name in POLICY_FIELDS}

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(
            cleaned.get(name) != self.initial.get(name) for name in POLICY_FIELDS
        ):
            raise forms.ValidationError("現在の設定から変わった項目がありません。")
        return cleaned

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in POLICY_FIELDS}


class DedicatedDayForm(forms.Form):
    """One 専従日 for one officer of the station."""

    officer = forms.TypedChoiceField(label="受持警察官", coerce=int)
    date = forms.DateField(
        label="専従日",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        error_messages={
            "required": "日付を入力してください。",
            "invalid": "日付を正しく入力してください（例：2026-11-30）。",
        },
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.officers = {o.pk: o for o in officers}
        field = self.fields["officer"]
        field.choices = [("", "選んでください")] + [
            (o.pk, f"{o.full_name}（{o.employee_number}）") for o in officers
        ]
        field.error_messages["required"] = "受持警察官を選んでください。"
        field.error_messages["invalid_choice"] = "この警察署の受持警察官を選んでください。"

    def chosen_officer(self):
        return self.officers[self.cleaned_data["officer"]]
