"""Input fields of the card form: Japanese dates (和暦 too), phone numbers, the sections and
the items a filed card needs, and the 回答拒否 prefix."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError

from liaison import text
from liaison.cards.models import (
    CardKind,
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
