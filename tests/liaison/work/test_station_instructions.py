"""署長指示 (要領 第5-1 「警察署長が特に指示した場合を除き」): the 署長 excludes cards or areas
from his station's visits, or adds some, with a reason and a period; the worklist and the
progress figures follow the instructions in force and say which apply."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import Notice
from liaison.cards import services as cards_services
from liaison.cards.models import CardKind, LiaisonCard
from liaison.instructions import services as instructions_services
from liaison.instructions.models import StationInstruction
from liaison.planning import worklist as planning_worklist
from liaison.progress import selectors as progress_selectors
from tests.html import terms
from tests.liaison.conftest import book_of

from .conftest import DAY, MADE_AT, household, rows_of

pytestmark = pytest.mark.django_db

WORKLIST = reverse("liaison:worklist")


def issue(world, *, action="exclude", cards=(), areas=(), starts_on=DAY, ends_on=None, **extra):
    return instructions_services.station_instruction_issue(
        actor=world.station_manager,
        station=world.station_a,
        action=action,
        card_ids=[c.pk for c in cards],
        areas=list(areas),
        reason=extra.pop("reason", "道路工事で立入りが制限されているため"),
        starts_on=starts_on,
        ends_on=ends_on or DAY + dt.timedelta(days=30),
        **extra,
    )


def due_ids(world, today=DAY) -> set[int]:
    work = planning_worklist.worklist_get(user=world.beat_officer, today=today)
    return {item.card.pk for item in work.items}


def station_figures(world, today=DAY):
    figures = progress_selectors.station_progress_get(
        station=world.station_a, month=today, today=today
    )
    return next(p for beat, p in figures.beats if beat.pk == world.beat_a1_1.pk)


def test_an_excluded_card_is_not_due_and_an_added_building_is(world):
    kept = household(world, "1-1")
    excluded = household(world, "2-2")
    building = cards_services.card_create(
        actor=world.beat_officer,
        kind=CardKind.APARTMENT,
        book=book_of(world.beat_a1_1),
        data={"town": "笠原町", "banchi": "3-3", "building": "コーポ笠原"},
        made_at=MADE_AT,
    )
    # The policy counts households and businesses: the building itself is not due.
    assert due_ids(world) == {kept.pk, excluded.pk}
    assert station_figures(world).to_visit == 2

    issue(world, cards=[excluded])
    issue(world, action="include", cards=[building], reason="管理人への防犯指導のため")

    assert due_ids(world) == {kept.pk, building.pk}
    progress = station_figures(world)
    assert (progress.to_visit, progress.due, progress.overdue) == (2, 2, 2)


def test_an_area_covers_its_town_and_its_chome_not_a_town_that_begins_alike(world):
    plain = household(world, "12番地", town="千波町")
    chome_in_town = household(world, "1-2", town="千波町一丁目")
    chome_in_kanji = household(world, "一丁目5番6号", town="千波町")
    chome_in_dashes = household(world, "2-3-4", town="千波町")  # 二丁目3番4号
    east = household(world, "1-3", town="千波町東")
    issue(world, areas=["千波町"])
    assert due_ids(world) == {east.pk}

    StationInstruction.objects.all().delete()
    issue(world, areas=["千波町１丁目"])  # full-width digits, as typed on a tablet
    assert due_ids(world) == {plain.pk, chome_in_dashes.pk, east.pk}
    assert {chome_in_town.pk, chome_in_kanji.pk}.isdisjoint(due_ids(world))
    issue(world, areas=["千波町二丁目"])
    assert due_ids(world) == {plain.pk, east.pk}


def test_an_instruction_counts_only_in_its_period_and_until_it_is_ended(world):
    card = household(world, "1-1")
    later = issue(world, cards=[card], starts_on=DAY + dt.timedelta(days=1))
    assert due_ids(world) == {card.pk}
    assert due_ids(world, DAY + dt.timedelta(days=1)) == set()
    assert due_ids(world, DAY + dt.timedelta(days=32)) == {card.pk}

    instructions_services.station_instruction_end(actor=world.station_manager, instruction=later)
    assert due_ids(world, DAY + dt.timedelta(days=1)) == {card.pk}
    later.refresh_from_db()
    assert later.ended_by == world.station_manager and later.ended_at is not None
    with pytest.raises(TransitionError, match="すでに終了"):
        instructions_services.station_instruction_end(
            actor=world.station_manager, instruction=later
        )


def test_an_exclusion_wins_over_an_addition(world):
    card = household(world, "1-1")
    issue(world, action="include", cards=[card])
    issue(world, areas=["笠原町"])
    assert due_ids(world) == set()


def test_only_the_station_manager_issues_and_ends(world):
    card = household(world, "1-1")
    for someone in (world.chief, world.overall_manager, world.regional_director):
        with pytest.raises(PermissionDenied, match="警察署長"):
            instructions_services.station_instruction_issue(
                actor=someone,
                station=world.station_a,
                action="exclude",
                card_ids=[card.pk],
                reason="x",
                starts_on=DAY,
                ends_on=DAY,
            )
    instruction = issue(world, cards=[card])
    with pytest.raises(PermissionDenied):
        instructions_services.station_instruction_end(actor=world.chief, instruction=instruction)
    assert StationInstruction.objects.get().ended_at is None


def test_what_is_wrong_is_said_at_its_field(world):
    other = household(world, "9-9", officer=world.other_officer, beat=world.beat_b1_1)
    with pytest.raises(ValidationError) as excinfo:
        issue(world, reason=" ", cards=[other], ends_on=DAY - dt.timedelta(days=1))
    errors = excinfo.value.message_dict
    assert "指示の理由を入力してください" in errors["reason"][0]
    assert f"No.{other.pk}" in errors["cards"][0]
    assert "終了日は開始日以降" in errors["ends_on"][0]
    with pytest.raises(ValidationError) as excinfo:
        issue(world)
    assert "カードの番号か地域を1つ以上" in excinfo.value.message_dict["cards"][0]
    assert not StationInstruction.objects.exists()


def test_the_chief_is_told_and_history_keeps_who(world):
    instruction = issue(world, areas=["笠原町"])
    assert Notice.objects.filter(recipient=world.chief, title__contains="署長指示").exists()
    assert instruction.history.get().history_user == world.station_manager


# --- The pages --------------------------------------------------------------------------


def list_url(world) -> str:
    return reverse("liaison:station_instructions", kwargs={"pk": world.station_a.pk})


def new_url(world) -> str:
    return reverse("liaison:station_instruction_create", kwargs={"pk": world.station_a.pk})


def test_the_station_manager_issues_one_from_the_page(world, login):
    card = household(world, "1-1")
    client = login(world.station_manager)
    form = {
        "action": "exclude",
        "cards": f"No.{card.pk}",
        "areas": "千波町一丁目\n千波町二丁目",
        "reason": "大雨で立入りが制限されているため",
        "starts_on": DAY.isoformat(),
        "ends_on": (DAY + dt.timedelta(days=14)).isoformat(),
    }
    response = client.post(new_url(world), form)
    assert response.status_code == 302 and response["Location"] == list_url(world)
    instruction = StationInstruction.objects.get()
    assert instruction.areas == ["千波町一丁目", "千波町二丁目"]
    assert list(instruction.cards.all()) == [LiaisonCard.objects.get(pk=card.pk)]
    html = client.get(list_url(world)).content.decode()
    assert "大雨で立入りが制限されているため" in html
    assert "2026年11月30日から2026年12月14日まで" in html
    assert "実施中" in html
    assert f"カード番号 {card.pk}</a> 笠原町1-1" in html
    assert reverse("liaison:station_instruction_end", kwargs={"pk": instruction.pk}) in html


def test_a_refused_form_keeps_what_was_typed(world, login):
    client = login(world.station_manager)
    response = client.post(
        new_url(world),
        {
            "action": "exclude",
            "cards": "12、abc",
            "areas": "千波町",
            "reason": "理由あり",
            "starts_on": DAY.isoformat(),
            "ends_on": DAY.isoformat(),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "カード番号は数字で入力してください（「abc」は番号ではありません）。" in html
    assert 'value="12、abc"' in html and "千波町</textarea>" in html and "理由あり" in html
    assert not StationInstruction.objects.exists()


def test_the_worklist_and_the_progress_page_say_which_instruction_applies(world, login):
    household(world, "1-1")
    issue(world, areas=["笠原町"], reason="道路工事で立入りが制限されているため")
    banner = (
        "対象から除く：笠原町（2026年12月30日まで）　理由：道路工事で立入りが制限されているため"
    )

    worklist = login(world.beat_officer).get(WORKLIST).content.decode()
    assert "署長指示（要領第5-1）に従っています" in worklist
    assert banner in worklist
    assert rows_of(worklist) == []
    assert "要訪問 0件（うち期限超過 0件）" in worklist

    station = reverse("liaison:station_progress", kwargs={"pk": world.station_a.pk})
    progress = login(world.chief).get(station).content.decode()
    assert banner in progress
    assert f'href="{list_url(world)}"' in progress


def test_ending_asks_first_then_ends(world, login):
    instruction = issue(world, areas=["笠原町"])
    client = login(world.station_manager)
    url = reverse("liaison:station_instruction_end", kwargs={"pk": instruction.pk})
    assert "この指示を今すぐ終了します" in client.get(url).content.decode()
    assert StationInstruction.objects.get().ended_at is None
    response = client.post(url)
    assert response.status_code == 302
    assert StationInstruction.objects.get().ended_at is not None
    html = client.get(list_url(world)).content.decode()
    # The instruction's state reads 終了 beside what it instructed.
    assert any(term == "指示" and value.endswith(" 終了") for term, value in terms(html))
    assert url not in html


def test_the_regional_director_reads_numbers_not_addresses(world, login):
    card = household(world, "1-1")
    issue(world, cards=[card])
    html = login(world.regional_director).get(list_url(world)).content.decode()
    assert f"カード番号 {card.pk}" in html
    assert "笠原町1-1" not in html
    assert "指示を出す" not in html
