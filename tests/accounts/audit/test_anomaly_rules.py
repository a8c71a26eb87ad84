"""The six anomaly rules, each just below and at its threshold, for one Tokyo day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.audit.services import anomalies_detect
from accounts.exceptions import PermissionDenied
from accounts.models import AccessEvent, AnomalyCase, Notice
from liaison.glass import services as liaison_services
from tests.accounts.audit.anomaly_support import event, reads, tokyo, yesterday
from tests.liaison.conftest import make_household

pytestmark = pytest.mark.django_db

Kind = AnomalyCase.Kind


def detect(day: dt.date) -> dict[str, int]:
    return anomalies_detect(actor=None, day=day)


def cases_of(kind: str):
    return AnomalyCase.objects.filter(kind=kind)


# --- 閲覧件数の急増 ------------------------------------------------------------------------------


@pytest.fixture
def spike_settings(settings):
    settings.AUDIT_SPIKE_MIN = 5
    settings.AUDIT_SPIKE_FACTOR = 3.0
    settings.AUDIT_SPIKE_BASELINE_DAYS = 4
    return settings


def usual_level(user, day: dt.date) -> None:
    """Reads on the four days before `day`: 2, 3, 2 and none → median of (0, 2, 2, 3) = 2."""
    for back, count in ((1, 2), (2, 3), (3, 2)):
        reads(user, day - dt.timedelta(days=back), count)


def test_a_spike_is_three_times_the_persons_usual_level(world, spike_settings):
    day = yesterday()
    usual_level(world.beat_officer, day)
    reads(world.beat_officer, day, 5)
    assert detect(day)[Kind.READ_SPIKE] == 0

    reads(world.beat_officer, day, 1, hhmm="15:00")
    assert detect(day)[Kind.READ_SPIKE] == 1
    found = cases_of(Kind.READ_SPIKE).get()
    assert found.subject == world.beat_officer
    assert found.figures == {"reads": 6, "usual": 2, "threshold": 6}
    assert found.summary == "カードの閲覧・印刷 6件（通常 1日2件、基準 6件）"
    assert len(found.event_ids) == 6


def test_without_a_usual_level_the_minimum_is_the_threshold(world, spike_settings):
    day = yesterday()
    reads(world.chief, day, 4)
    assert detect(day)[Kind.READ_SPIKE] == 0
    reads(world.chief, day, 1, hhmm="11:00")
    assert detect(day)[Kind.READ_SPIKE] == 1
    assert cases_of(Kind.READ_SPIKE).get().figures == {"reads": 5, "usual": 0, "threshold": 5}


def test_days_without_reads_count_as_zero_and_older_days_not_at_all(world, spike_settings):
    day = yesterday()
    # One busy day in four: the median stays 0, so the minimum of 5 is the threshold.
    reads(world.chief, day - dt.timedelta(days=2), 40)
    # Busy, but before the four days of the baseline.
    for back in (5, 6, 7):
        reads(world.chief, day - dt.timedelta(days=back), 40)
    reads(world.chief, day, 5)
    detect(day)
    assert cases_of(Kind.READ_SPIKE).get().figures["usual"] == 0


def test_only_card_views_and_prints_count_as_reads(world, spike_settings):
    day = yesterday()
    reads(world.chief, day, 4)
    event(world.chief, tokyo(day, "12:00"), action=AccessEvent.Action.LIST)
    event(world.chief, tokyo(day, "12:01"), action=AccessEvent.Action.EXPORT, record_count=3)
    event(world.chief, tokyo(day, "12:02"), object_type="liaison.visit")
    event(world.chief, tokyo(day, "12:03"), outcome=AccessEvent.Outcome.DENIED)
    assert detect(day)[Kind.READ_SPIKE] == 0
    event(world.chief, tokyo(day, "12:04"), action=AccessEvent.Action.PRINT)
    assert detect(day)[Kind.READ_SPIKE] == 1


def test_the_spike_rule_runs_in_three_queries_however_many_people(
    world, spike_settings, django_assert_num_queries
):
    from accounts.audit.anomalies import find_read_spikes

    day = yesterday()
    for persona in ("beat_officer", "chief", "supervisor", "station_manager", "other_officer"):
        usual_level(world.people[persona], day)
        reads(world.people[persona], day, 7)
    with django_assert_num_queries(3):
        assert len(find_read_spikes(day)) == 5


# --- 担当範囲外・緊急閲覧 --------------------------------------------------------------------------


def test_out_of_scope_events_make_one_case_per_person_and_day(world):
    day = yesterday()
    event(world.beat_officer, tokyo(day, "09:00"), out_of_scope=False)
    assert detect(day)[Kind.OUT_OF_SCOPE] == 0

    first = event(
        world.beat_officer,
        tokyo(day, "09:10"),
        action=AccessEvent.Action.DENIED,
        outcome=AccessEvent.Outcome.DENIED,
        out_of_scope=True,
        station=world.station_a,
    )
    second = event(world.beat_officer, tokyo(day, "23:59"), out_of_scope=True)
    # The next day in Tokyo (00:00) is another day's finding.
    event(world.beat_officer, tokyo(day + dt.timedelta(days=1), "00:00"), out_of_scope=True)
    assert detect(day)[Kind.OUT_OF_SCOPE] == 1
    found = cases_of(Kind.OUT_OF_SCOPE).get()
    assert found.event_ids == [first.pk, second.pk]
    assert found.station == world.station_a
    assert found.figures == {"events": 2}


@pytest.fixture
def card_a1_2(world):
    """A household of beat A1-2 (post A1, supervised by world.supervisor)."""
    return make_household(world.supervisor, world.beat_a1_2)


def test_break_glass_makes_a_case_for_the_cards_beat_and_tells_its_supervisor(world, card_a1_2):
    today = timezone.localdate()
    liaison_services.break_glass_open(
        actor=world.beat_officer,
        card=card_a1_2,
        purpose="missing_person",
        reason="迷子の高齢者を保護、住所の確認のため",
    )
    assert detect(today)[Kind.BREAK_GLASS] == 1
    found = cases_of(Kind.BREAK_GLASS).get()
    assert found.subject == world.beat_officer
    assert found.key == str(card_a1_2.pk)
    assert found.beat_id == world.beat_a1_2.pk
    assert found.summary == f"カード No.{card_a1_2.pk} の緊急閲覧（記録 1件）"

    url = reverse("accounts:audit_case_detail", kwargs={"pk": found.pk})
    told = Notice.objects.get(recipient=world.supervisor, url=url)
    assert (
        told.title
        == f"担当の受持区の緊急閲覧（{today.month}月{today.day}日）について確認をお願いします"
    )
    # Nobody else of the station hears of it; the auditor hears of the run.
    assert not Notice.objects.filter(url=url).exclude(recipient=world.supervisor).exists()
    assert Notice.objects.filter(recipient=world.auditor).count() == 1


def test_break_glass_is_one_case_per_person_card_and_day(world, card_a1_2):
    day = yesterday()
    other_card = make_household(world.supervisor, world.beat_a1_2, town="元町")
    for minute, card in (("09:00", card_a1_2), ("09:05", card_a1_2), ("10:00", other_card)):
        event(world.staff, tokyo(day, minute), object_id=str(card.pk), break_glass=True)
    # A flagged event on something else than a card is not a break-the-glass case.
    event(world.staff, tokyo(day, "11:00"), object_type="liaison.visit", break_glass=True)
    assert detect(day)[Kind.BREAK_GLASS] == 2
    assert sorted(cases_of(Kind.BREAK_GLASS).values_list("key", flat=True)) == sorted(
        [str(card_a1_2.pk), str(other_card.pk)]
    )
    assert cases_of(Kind.BREAK_GLASS).get(key=str(card_a1_2.pk)).figures["events"] == 2


# --- 勤務時間外 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hhmm", "found"),
    [("00:00", 1), ("06:59", 1), ("07:00", 0), ("20:59", 0), ("21:00", 1), ("23:59", 1)],
)
def test_reads_outside_duty_hours(world, hhmm, found):
    day = yesterday()
    event(world.beat_officer, tokyo(day, hhmm))
    assert detect(day)[Kind.OFF_HOURS] == found


def test_duty_hours_are_settings(world, settings):
    settings.AUDIT_DUTY_START = "08:30"
    settings.AUDIT_DUTY_END = "17:00"
    day = yesterday()
    event(world.beat_officer, tokyo(day, "08:29"))
    event(world.beat_officer, tokyo(day, "17:00"))
    event(world.beat_officer, tokyo(day, "12:00"))
    detect(day)
    found = cases_of(Kind.OFF_HOURS).get()
    assert found.figures == {"reads": 2, "duty": "08:30〜17:00"}
    assert found.summary == "勤務時間（08:30〜17:00）外のカードの閲覧・印刷 2件"


# --- 大量の出力 -------------------------------------------------------------------------------


def test_a_large_export_is_one_case_per_event(world, settings):
    settings.AUDIT_LARGE_EXPORT = 500
    day = yesterday()
    export = {"action": AccessEvent.Action.EXPORT, "object_type": "liaison.liaisonbook"}
    event(world.chief, tokyo(day, "10:00"), record_count=499, **export)
    assert detect(day)[Kind.LARGE_EXPORT] == 0
    first = event(world.chief, tokyo(day, "10:05"), record_count=500, **export)
    second = event(world.chief, tokyo(day, "10:10"), record_count=800, **export)
    assert detect(day)[Kind.LARGE_EXPORT] == 2
    found = cases_of(Kind.LARGE_EXPORT).get(key=str(first.pk))
    assert found.event_ids == [first.pk]
    assert found.figures == {"records": 500, "threshold": 500}
    assert found.summary == "巡回連絡簿の出力 500件（基準 500件以上）"
    assert cases_of(Kind.LARGE_EXPORT).filter(key=str(second.pk)).exists()


# --- 取扱注意 -------------------------------------------------------------------------------


def test_reads_of_sensitive_cards(world):
    day = yesterday()
    plain = make_household(world.beat_officer, world.beat_a1_1)
    marked = make_household(world.beat_officer, world.beat_a1_1, town="元町", sensitive=True)
    assert marked.sensitive
    event(world.beat_officer, tokyo(day, "10:00"), object_id=str(plain.pk))
    assert detect(day)[Kind.SENSITIVE] == 0
    read = event(world.beat_officer, tokyo(day, "10:05"), object_id=str(marked.pk))
    event(
        world.beat_officer,
        tokyo(day, "10:06"),
        object_id=str(marked.pk),
        action=AccessEvent.Action.PRINT,
    )
    assert detect(day)[Kind.SENSITIVE] == 1
    found = cases_of(Kind.SENSITIVE).get()
    assert found.event_ids[0] == read.pk
    assert found.figures == {"reads": 2, "cards": 1}


# --- Once only, and what the notices say ----------------------------------------------------


def test_running_twice_creates_nothing_new_and_tells_once(world):
    day = yesterday()
    event(world.beat_officer, tokyo(day, "05:00"), out_of_scope=True)
    first = detect(day)
    assert first[Kind.OUT_OF_SCOPE] == 1
    assert first[Kind.OFF_HOURS] == 1
    assert sum(detect(day).values()) == 0
    assert AnomalyCase.objects.count() == 2
    assert Notice.objects.filter(recipient=world.auditor).count() == 1


def test_a_notice_is_a_title_and_a_link_only(world):
    day = yesterday()
    officer = world.beat_officer
    event(officer, tokyo(day, "05:00"), out_of_scope=True)
    detect(day)
    notice = Notice.objects.get(recipient=world.auditor)
    assert notice.title == f"要確認事案が2件見つかりました（{day.month}月{day.day}日の閲覧記録）"
    assert notice.url == "/audit/cases/?status=open"
    assert officer.full_name not in notice.title
    assert officer.employee_number not in notice.title
    # Nobody but the auditors is told of a run without break-the-glass.
    assert set(Notice.objects.values_list("recipient", flat=True)) == {world.auditor.pk}


def test_nothing_found_tells_nobody(world):
    assert sum(detect(yesterday()).values()) == 0
    assert not Notice.objects.exists()


def test_only_an_auditor_may_run_detection(world):
    with pytest.raises(PermissionDenied):
        anomalies_detect(actor=world.chief, day=yesterday())
    assert anomalies_detect(actor=world.auditor, day=yesterday())[Kind.OUT_OF_SCOPE] == 0
