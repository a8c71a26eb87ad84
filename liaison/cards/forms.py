"""The card form with its members and vehicles (formsets) and the CardEditor that binds them.
Input shape only: what a filed card must hold is liaison.cards.contents' rule."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.urls import reverse

from accounts.models import Station
from accounts.prefectures import PREFECTURE_CHOICES
from liaison import text
from liaison.cards import contents as services
from liaison.cards.fields import (
    _CHOOSE,
    _DASHES,
    _DECLINE_COVERS,
    ADDRESS_FIELDS,
    BUSINESS_FIELDS,
    CARE_FIELDS,
    DECLINED_CLASH,
    DECLINED_PREFIX,
    EMERGENCY_FIELDS,
    REQUIRED_TO_FILE,
    SECTIONS,
    JapaneseDateField,
    _phone,
    _tel_widget,
    _text_widget,
)
from liaison.cards.models import (
    MEMBER_OPTIONAL_FIELDS,
    CardKind,
    CardMember,
    CardVehicle,
    LiaisonCard,
    MadeBy,
    Relationship,
    ResidenceType,
    postal_code_validator,
)


# --- The card -------------------------------------------------------------------------------
class CardForm(forms.ModelForm):
    """One card of one kind. `declined` (the items a resident declined) and the service's
    `data` come out of `service_data()`."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Longer than the 7 digits stored: 310-0852 and 〒３１０－０８５２ are typed too.
    postal_code = forms.CharField(
        label="郵便番号",
        required=False,
        max_length=12,
        help_text="7桁。入力すると都道府県・市区町村・町字を自動で入力します。",
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "postal-code",
                "placeholder": "例：310-0852",
                "class": "input--short",
            }
        ),
    )
    moved_in_on = JapaneseDateField(label="入居年月日", required=False)

    class Meta:
        model = LiaisonCard
        fields = [
            *ADDRESS_FIELDS,
            "phone",
            "residence_type",
            "moved_in_on",
            *EMERGENCY_FIELDS,
            *BUSINESS_FIELDS,
            *CARE_FIELDS,
            "care_language",
            "concerns",
            "made_by",
            "sensitive",
        ]
        widgets = {
            "prefecture": forms.Select(attrs={"class": "input--short"}),
            "city": _text_widget(),
            "town": _text_widget(),
            "banchi": _text_widget(placeholder="例：1-2-3、1番地2、一丁目2番3号"),
            "building": _text_widget(),
            "room": _text_widget(**{"class": "input--short"}),
            "phone": _tel_widget(),
            "emergency_name": _text_widget(),
            "emergency_relation": _text_widget(placeholder="例：長男、管理会社"),
            "emergency_phone": _tel_widget(),
            "business_name_kana": _text_widget(),
            "business_staff": forms.NumberInput(attrs={"min": 0, "class": "input--short"}),
            "concerns": forms.Textarea(attrs={"rows": 4}),
            "made_by": forms.RadioSelect,
        }
        labels = {
            "emergency_name": "氏名・名称",
            "emergency_relation": "続柄・関係",
            "emergency_phone": "電話番号",
            "room": "部屋番号",
        }
        help_texts = {
            "sensitive": "閲覧が監査で特に確認されます。",
        }
        error_messages = {
            "business_staff": {"invalid": "従業員数は0以上の整数で入力してください。"},
            "residence_type": {"invalid_choice": "居住形態を一覧から選んでください。"},
            "made_by": {"invalid_choice": "作成方法を選んでください。"},
            "prefecture": {"invalid_choice": "都道府県を一覧から選んでください。"},
        }

    def __init__(self, *args, kind: str, stations=None, **kwargs):
        kwargs.setdefault("instance", LiaisonCard(kind=kind))
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.declinable = services.items_for(kind)
        self.fields["prefecture"].choices = [("", "選択してください"), *PREFECTURE_CHOICES]
        # The offline look-up fills 都道府県・市区町村・町字 when the code changes (htmx).
        self.fields["postal_code"].widget.attrs.update(
            {
                "hx-get": reverse("liaison:postal_lookup"),
                "hx-trigger": "change",
                "hx-target": "#postal-code-status",
                "hx-swap": "innerHTML",
            }
        )
        shown = {name for _, names in SECTIONS[kind] for name in names}
        for name in list(self.fields):
            if name not in shown and name != "version":
                del self.fields[name]
        if "residence_type" in self.fields:
            self.fields["residence_type"].choices = [_CHOOSE, *ResidenceType.choices]
        self.fields["made_by"].choices = MadeBy.choices
        self.fields["made_by"].required = False
        self.fields["made_by"].initial = self.initial.get("made_by", MadeBy.INTERVIEW)
        for name in self.declinable:
            self.fields[DECLINED_PREFIX + name] = forms.BooleanField(
                label="回答拒否", required=False
            )
        self.required_to_file = REQUIRED_TO_FILE[kind]
        self.has_station_choice = stations is not None and len(stations) > 1
        if self.has_station_choice:
            self.fields["station"] = forms.ModelChoiceField(
                label="提出先の警察署",
                queryset=Station.objects.filter(pk__in=[s.pk for s in stations]),
                empty_label="選択してください",
                error_messages={
                    "required": "提出先の警察署を選んでください。",
                    "invalid_choice": "提出先の警察署を一覧から選んでください。",
                },
            )

    @classmethod
    def initial_from(cls, card: LiaisonCard) -> dict[str, Any]:
        names = [*cls._meta.fields]
        initial = {name: getattr(card, name) for name in names}
        initial["version"] = card.version
        for name in card.declined:
            initial[DECLINED_PREFIX + name] = True
        return initial

    @property
    def sections(self) -> list[dict[str, Any]]:
        """What the template loops over: each field with its 回答拒否 box, if any."""
        result = []
        for index, (title, names) in enumerate(SECTIONS[self.kind]):
            rows = []
            for name in names:
                declined = self.fields.get(DECLINED_PREFIX + name)
                rows.append(
                    {
                        "field": self[name],
                        "declined": self[DECLINED_PREFIX + name] if declined else None,
                        "required": name in self.required_to_file,
                        "check": name in CARE_FIELDS or name == "sensitive",
                    }
                )
            result.append({"title": title, "rows": rows, "id": f"section-{index}"})
        return result

    # Normalising what people type; the model validators judge the result.

    def clean_postal_code(self) -> str:
        value = text.nfkc(self.cleaned_data.get("postal_code", "")).translate(_DASHES)
        value = re.sub(r"[\s〒-]", "", value)
        if value:
            postal_code_validator(value)
        return value

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone", ""))

    def clean_emergency_phone(self) -> str:
        return _phone(self.cleaned_data.get("emergency_phone", ""))

    def clean_banchi(self) -> str:
        return text.nfkc(self.cleaned_data.get("banchi", "")).strip()

    def clean_business_name_kana(self) -> str:
        return text.kana(self.cleaned_data.get("business_name_kana", ""))

    def clean_made_by(self) -> str:
        return self.cleaned_data.get("made_by") or MadeBy.INTERVIEW

    def clean(self):
        cleaned = super().clean()
        for name in self.declinable:
            if not cleaned.get(DECLINED_PREFIX + name):
                continue
            for item in _DECLINE_COVERS.get(name, (name,)):
                if item in self.fields and cleaned.get(item) not in (None, ""):
                    self.add_error(item, DECLINED_CLASH)
        return cleaned

    @property
    def declined(self) -> list[str]:
        return [n for n in self.declinable if self.cleaned_data.get(DECLINED_PREFIX + n)]

    def service_data(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in self.fields
            if name in services.CARD_INPUT_FIELDS and name in self.cleaned_data
        }
        data["declined"] = self.declined
        return data


# --- Members and vehicles -----------------------------------------------------------------------
class MemberForm(forms.ModelForm):
    """One 世帯員. `id` names an existing row; a row left out of the list is removed."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    birth_date = JapaneseDateField(label="生年月日", required=False)

    class Meta:
        model = CardMember
        fields = ["name", "kana", "relationship", "birth_date", "occupation", "workplace", "phone"]
        widgets = {
            "name": _text_widget(),
            "kana": _text_widget(placeholder="例：ヤマダ タロウ"),
            "occupation": _text_widget(placeholder="例：会社員、○○小学校"),
            "workplace": _text_widget(),
            "phone": _tel_widget(),
        }
        error_messages = {
            "name": {
                "required": "氏名を入力してください（世帯員の行が不要なら「削除」にチェック）。"
            },
            "relationship": {"invalid_choice": "続柄を一覧から選んでください。"},
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("instance", CardMember())
        super().__init__(*args, **kwargs)
        self.fields["relationship"].choices = [_CHOOSE, *Relationship.choices]
        for name in MEMBER_OPTIONAL_FIELDS:
            self.fields[DECLINED_PREFIX + name] = forms.BooleanField(
                label="回答拒否", required=False
            )

    @classmethod
    def initial_from(cls, member: CardMember) -> dict[str, Any]:
        initial = {name: getattr(member, name) for name in cls._meta.fields}
        initial["id"] = member.pk
        for name in member.declined:
            initial[DECLINED_PREFIX + name] = True
        return initial

    @property
    def cells(self) -> list[dict[str, Any]]:
        return [
            {
                "field": self[name],
                "declined": (
                    self[DECLINED_PREFIX + name] if name in MEMBER_OPTIONAL_FIELDS else None
                ),
                "required": name == "name",
            }
            for name in self._meta.fields
        ]

    def clean_kana(self) -> str:
        return text.kana(self.cleaned_data.get("kana", ""))

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone", ""))

    def clean(self):
        cleaned = super().clean()
        for name in MEMBER_OPTIONAL_FIELDS:
            if cleaned.get(DECLINED_PREFIX + name) and cleaned.get(name) not in (None, ""):
                self.add_error(name, DECLINED_CLASH)
        return cleaned

    def service_row(self) -> dict[str, Any]:
        row = {name: self.cleaned_data.get(name) for name in self._meta.fields}
        row["declined"] = [
            n for n in MEMBER_OPTIONAL_FIELDS if self.cleaned_data.get(DECLINED_PREFIX + n)
        ]
        if self.cleaned_data.get("id"):
            row["id"] = self.cleaned_data["id"]
        return row


class VehicleForm(forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = CardVehicle
        fields = ["kind", "maker_model", "color", "plate"]
        widgets = {
            "kind": _text_widget(placeholder="例：普通乗用車、軽自動車、自転車"),
            "maker_model": _text_widget(),
            "color": _text_widget(**{"class": "input--short"}),
            "plate": _text_widget(placeholder="例：水戸 500 あ 12-34"),
        }
        error_messages = {
            "plate": {
                "required": "登録番号を入力してください（車両の行が不要なら「削除」にチェック）。"
            }
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("instance", CardVehicle())
        super().__init__(*args, **kwargs)

    @property
    def cells(self) -> list[dict[str, Any]]:
        return [
            {"field": self[name], "declined": None, "required": name == "plate"}
            for name in self._meta.fields
        ]

    @classmethod
    def initial_from(cls, vehicle: CardVehicle) -> dict[str, Any]:
        initial = {name: getattr(vehicle, name) for name in cls._meta.fields}
        initial["id"] = vehicle.pk
        return initial

    def service_row(self) -> dict[str, Any]:
        row = {name: self.cleaned_data.get(name) or "" for name in self._meta.fields}
        if self.cleaned_data.get("id"):
            row["id"] = self.cleaned_data["id"]
        return row


class _RowsFormSet(forms.BaseFormSet):
    """Rows for the service: the kept ones, in order; deleted and untouched new rows are left
    out (a row left out of the list is removed by the service)."""

    def service_rows(self) -> list[dict[str, Any]]:
        rows = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if not form.has_changed() and not form.cleaned_data.get("id"):
                continue
            rows.append(form.service_row())
        return rows


MemberFormSet = forms.formset_factory(
    MemberForm, formset=_RowsFormSet, extra=0, can_delete=True, max_num=50, absolute_max=60
)


VehicleFormSet = forms.formset_factory(
    VehicleForm, formset=_RowsFormSet, extra=0, can_delete=True, max_num=20, absolute_max=30
)


KINDS_WITH_MEMBERS = {CardKind.HOUSEHOLD}


KINDS_WITH_VEHICLES = {CardKind.HOUSEHOLD, CardKind.BUSINESS}


class CardEditor:
    """The card form with its formsets: one object for the views to validate and hand to
    a service."""

    def __init__(
        self,
        data=None,
        *,
        kind: str,
        card: LiaisonCard | None = None,
        members=(),
        vehicles=(),
        initial: dict[str, Any] | None = None,
        stations=None,
        correcting: bool = False,
    ):
        self.kind = kind
        base = CardForm.initial_from(card) if card is not None else {}
        self.form = CardForm(
            data, kind=kind, initial={**base, **(initial or {})}, stations=stations
        )
        if correcting:
            self.form.fields["reason"] = forms.CharField(
                label="補正の理由",
                max_length=200,
                widget=forms.TextInput(attrs={"placeholder": "例：転入による世帯員の追加"}),
                error_messages={
                    "required": "補正の理由を入力してください（例：転入による世帯員の追加）。"
                },
            )
        self.correcting = correcting
        self.members = None
        self.vehicles = None
        if kind in KINDS_WITH_MEMBERS:
            rows = [MemberForm.initial_from(m) for m in members]
            self.members = MemberFormSet(data, prefix="members", initial=rows)
            if data is None and not rows:
                self.members.extra = 1
        if kind in KINDS_WITH_VEHICLES:
            rows = [VehicleForm.initial_from(v) for v in vehicles]
            self.vehicles = VehicleFormSet(data, prefix="vehicles", initial=rows)

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for formset in (self.members, self.vehicles):
            if formset is not None:
                valid = formset.is_valid() and valid
        return valid

    def service_kwargs(self, *, creating: bool) -> dict[str, Any]:
        """data, members and vehicles as the services take them. On an update, a kind
        without members or vehicles passes None (leave them as they are)."""
        empty = [] if creating else None
        return {
            "data": self.form.service_data(),
            "members": self.members.service_rows() if self.members is not None else empty,
            "vehicles": self.vehicles.service_rows() if self.vehicles is not None else empty,
        }

    @property
    def reason(self) -> str:
        return self.form.cleaned_data.get("reason", "") if self.correcting else ""

    @property
    def station(self):
        return self.form.cleaned_data.get("station")
