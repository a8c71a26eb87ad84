"""The card form of a tablet at the door: one form per kind of card, with members and
vehicles as formsets, a 「回答拒否」 box beside every item a resident may decline, and
Japanese messages at the field.

Input shape only. The rules that decide whether a card is complete enough to file or
submit live in liaison.services (`_check_complete`), so that a draft can be saved with
anything missing; the model validators (postal code, phone, 番地, dates not in the future)
run here through the ModelForms so that the message sits at the field before anything is
saved. The forms validate on throwaway instances: the card being edited is never touched.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Station
from accounts.prefectures import PREFECTURE_CHOICES
from liaison import text
from liaison.cards import contents as services
from liaison.cards.models import (
    CARD_OPTIONAL_FIELDS,
    MEMBER_OPTIONAL_FIELDS,
    CardKind,
    CardMember,
    CardVehicle,
    CloseReason,
    LiaisonBook,
    LiaisonCard,
    MadeBy,
    Relationship,
    ResidenceType,
    postal_code_validator,
)

DECLINED_PREFIX = "declined_"
DECLINED_CLASH = "回答拒否の項目は空欄にしてください（入力した内容を消すか、回答拒否のチェックを外してください）。"
DATE_INVALID = "日付は「2026/11/22」「2026-11-22」「令和8年11月22日」のように入力してください。"
_CHOOSE = ("", "選択してください")

ADDRESS_FIELDS = ("postal_code", "prefecture", "city", "town", "banchi", "building", "room")
EMERGENCY_FIELDS = ("emergency_name", "emergency_relation", "emergency_phone")
CARE_FIELDS = ("care_elderly_only", "care_elderly_alone", "care_needs_support", "care_foreign")
BUSINESS_FIELDS = (
    "business_name",
    "business_name_kana",
    "business_representative",
    "business_trade",
    "business_staff",
    "business_hours",
    "business_holidays",
)

# The sections of the form per kind, in the order of the paper card. Care points are asked
# of households only: they describe the people living there (要領 第5-2).
SECTIONS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    CardKind.HOUSEHOLD: [
        ("住所", ADDRESS_FIELDS),
        ("電話・居住", ("phone", "residence_type", "moved_in_on")),
        ("緊急連絡先", EMERGENCY_FIELDS),
        ("配意事項", (*CARE_FIELDS, "care_language")),
        ("困りごと・意見・要望", ("concerns",)),
        ("作成方法・取扱い", ("made_by", "sensitive")),
    ],
    CardKind.APARTMENT: [
        ("住所（建物）", ADDRESS_FIELDS),
        ("電話（管理人・管理会社など）", ("phone",)),
        ("緊急連絡先", EMERGENCY_FIELDS),
        ("困りごと・意見・要望", ("concerns",)),
        ("作成方法・取扱い", ("made_by", "sensitive")),
    ],
    CardKind.BUSINESS: [
        ("事業所・官公署", BUSINESS_FIELDS),
        ("所在地", ADDRESS_FIELDS),
        ("電話", ("phone",)),
        ("緊急連絡先", EMERGENCY_FIELDS),
        ("困りごと・意見・要望", ("concerns",)),
        ("作成方法・取扱い", ("made_by", "sensitive")),
    ],
}

# What a card must hold to be filed or submitted (services._check_complete); shown as 必須
# but not enforced here, so that a draft keeps whatever was typed.
REQUIRED_TO_FILE: dict[str, set[str]] = {
    CardKind.HOUSEHOLD: {"town", "banchi"},
    CardKind.APARTMENT: {"town", "banchi", "building"},
    CardKind.BUSINESS: {"town", "banchi", "business_name"},
}

# Declining the emergency contact declines all three of its items.
_DECLINE_COVERS = {"emergency_name": EMERGENCY_FIELDS}


# --- Field helpers -------------------------------------------------------------------------

_ERAS = {
    "明治": 1867,
    "M": 1867,
    "大正": 1911,
    "T": 1911,
    "昭和": 1925,
    "S": 1925,
    "平成": 1988,
    "H": 1988,
    "令和": 2018,
    "R": 2018,
}
_ERA_DATE = re.compile(
    r"^(明治|大正|昭和|平成|令和|[MTSHR])\s*(元|\d{1,2})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?$"
)
_DASHES = str.maketrans({"−": "-", "‐": "-", "―": "-", "ー": "-", "–": "-", "—": "-"})


class JapaneseDateField(forms.DateField):
    """A date as officers and residents write it: 2026-11-22, 2026/11/22, 2026年11月22日,
    2026.11.22, full-width digits, or 和暦 (昭和55年4月1日, S55.4.1, 令和元年5月1日)."""

    input_formats = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d", "%Y%m%d"]
    default_error_messages = {"invalid": DATE_INVALID}

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%Y/%m/%d",
                attrs={"autocomplete": "off", "placeholder": "例：1980/4/1、昭和55年4月1日"},
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = text.nfkc(value).strip().upper().translate(_DASHES)
            era = _ERA_DATE.match(value)
            if era:
                year = 1 if era.group(2) == "元" else int(era.group(2))
                try:
                    return dt.date(_ERAS[era.group(1)] + year, int(era.group(3)), int(era.group(4)))
                except (ValueError, OverflowError) as exc:
                    raise ValidationError(DATE_INVALID, code="invalid") from exc
        return super().to_python(value)


def _phone(value: str) -> str:
    """NFKC and every dash as '-': 029ー123ー4567 typed with a Japanese IME is a number."""
    return text.nfkc(value).translate(_DASHES).strip()


def _text_widget(**attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": "off", **attrs})


def _tel_widget() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"})


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


class SubmittedFilterForm(forms.Form):
    STATES = [
        ("", "すべて"),
        ("draft", "下書き"),
        ("stale", "長く提出されていない下書き"),
        ("unassigned", "受持区の指定待ち"),
        ("assigned", "編てつ待ち（受持区指定済み）"),
    ]
    q = forms.CharField(label="氏名・フリガナ・電話番号で検索", required=False, max_length=100)
    state = forms.ChoiceField(label="状態", choices=STATES, required=False)


__all__ = [
    "CARD_OPTIONAL_FIELDS",
    "AssignForm",
    "CardEditor",
    "CardForm",
    "CloseForm",
    "MemberForm",
    "MoveForm",
    "SubmittedFilterForm",
    "VehicleForm",
    "VersionForm",
]
