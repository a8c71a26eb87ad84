"""The card form on its own: what each kind asks, how typed values are normalised, and
which items were declined."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.cards.fields import JapaneseDateField
from liaison.cards.forms import CardEditor, CardForm
from liaison.cards.models import CARD_OPTIONAL_FIELDS
from liaison.filing.forms import CloseForm

pytestmark = pytest.mark.django_db


def bound(kind="household", **data):
    form = CardForm({"made_by": "interview", **data}, kind=kind)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-22", dt.date(2026, 11, 22)),
        ("2026/11/22", dt.date(2026, 11, 22)),
        ("2026/1/2", dt.date(2026, 1, 2)),
        ("2026年11月22日", dt.date(2026, 11, 22)),
        ("2026.11.22", dt.date(2026, 11, 22)),
        ("２０２６－１１－２２", dt.date(2026, 11, 22)),
        ("令和8年11月22日", dt.date(2026, 11, 22)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("昭和55年4月1日", dt.date(1980, 4, 1)),
        ("S55.4.1", dt.date(1980, 4, 1)),
        ("h1.1.8", dt.date(1989, 1, 8)),
    ],
)
def test_dates_are_read_in_japanese_notations(typed, expected):
    assert JapaneseDateField(required=False).clean(typed) == expected


@pytest.mark.parametrize("typed", ["2026-02-30", "昭和55年13月1日", "abc", "22/11/2026"])
def test_other_dates_are_refused_with_an_example(typed):
    with pytest.raises(Exception) as caught:
        JapaneseDateField(required=False).clean(typed)
    assert "2026/11/22" in caught.value.messages[0]


def test_the_postal_code_and_phone_are_normalised():
    form = bound(
        postal_code="〒３１０－０８５２", phone="０２９ー１２３ー４５６７", banchi="１－２－３"
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["postal_code"] == "3100852"
    assert form.cleaned_data["phone"] == "029-123-4567"
    assert form.cleaned_data["banchi"] == "1-2-3"


@pytest.mark.parametrize(
    ("kind", "present", "absent"),
    [
        ("household", {"residence_type", "moved_in_on", "care_elderly_alone"}, {"business_name"}),
        ("business", {"business_name", "business_staff"}, {"residence_type", "care_foreign"}),
        ("apartment", {"building", "phone"}, {"residence_type", "business_name"}),
    ],
)
def test_each_kind_shows_only_its_items(kind, present, absent):
    fields = set(CardForm(kind=kind).fields)
    assert present <= fields
    assert not (absent & fields)


def test_every_optional_item_of_the_kind_has_a_declined_box():
    from liaison.cards import contents as services

    for kind in ("household", "business", "apartment"):
        fields = CardForm(kind=kind).fields
        for name in services.items_for(kind):
            assert name in CARD_OPTIONAL_FIELDS
            assert fields[f"declined_{name}"].label == "回答拒否"


def test_declined_items_come_out_for_the_service_and_empty_ones_do_not():
    form = bound(declined_phone="on", declined_concerns="on", town="笠原町")
    assert form.is_valid(), form.errors
    data = form.service_data()
    assert data["declined"] == ["phone", "concerns"]
    assert data["town"] == "笠原町"
    assert "business_name" not in data


def test_declining_the_emergency_contact_covers_its_phone():
    form = bound(declined_emergency_name="on", emergency_phone="029-123-4567")
    assert "回答拒否の項目は空欄に" in form.errors["emergency_phone"][0]


def test_the_editor_gives_member_rows_with_ids_and_leaves_out_deleted_ones():
    data = {
        "made_by": "interview",
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "2",
        "members-0-id": "11",
        "members-0-name": "山田 太郎",
        "members-0-declined_phone": "on",
        "members-1-id": "12",
        "members-1-name": "山田 花子",
        "members-1-DELETE": "on",
        "members-2-name": "山田 次郎",
        "members-2-kana": "やまだ じろう",
        "vehicles-TOTAL_FORMS": "0",
        "vehicles-INITIAL_FORMS": "0",
    }
    editor = CardEditor(data, kind="household")
    assert editor.is_valid()
    rows = editor.service_kwargs(creating=False)["members"]
    assert [(r.get("id"), r["name"]) for r in rows] == [(11, "山田 太郎"), (None, "山田 次郎")]
    assert rows[0]["declined"] == ["phone"]
    assert rows[1]["kana"] == "ヤマダ ジロウ"


def test_a_business_has_no_member_rows_and_keeps_them_on_update():
    editor = CardEditor(
        {"made_by": "interview", "vehicles-TOTAL_FORMS": "0", "vehicles-INITIAL_FORMS": "0"},
        kind="business",
    )
    assert editor.is_valid()
    assert editor.members is None
    assert editor.service_kwargs(creating=False)["members"] is None
    assert editor.service_kwargs(creating=True)["members"] == []


def test_a_closing_date_defaults_to_today_and_may_not_be_in_the_future():
    from django.utils import timezone

    assert CloseForm().fields["closed_on"].initial == timezone.localdate()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = CloseForm({"reason": "moved", "closed_on": tomorrow.isoformat()})
    assert form.errors["closed_on"] == ["廃止日に未来の日付は入力できません。"]
