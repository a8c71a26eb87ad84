"""Anomalies in the access log, found for one Tokyo calendar day (daily by Celery beat for
yesterday, and on demand from the audit pages or `manage.py detect_anomalies`).

Each rule turns the day's events into findings; a finding becomes an AnomalyCase unless
the same (kind, person, day, key) is already one, so running twice creates nothing new.
A "card read" is a successful view or print of a 巡回連絡カード. The thresholds are settings
(AUDIT_*). Summaries and notices carry counts and card numbers, never a resident's name or
a card's contents; a notice names no officer either (a title and a link only).

Here are the rules (RULES, one `find_*` per kind), each a read of the whole day that
depends on no one's scope. Storing their findings as cases and announcing them is
accounts.audit.services.anomalies_detect; the reviews of the cases (open → explained /
escalated → closed) are accounts.audit.services.anomaly_case_review, by the table in
accounts.audit.cases.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Min, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import AccessEvent, AnomalyCase
from . import registry

CARD = "liaison.liaisoncard"
READ_ACTIONS = (AccessEvent.Action.VIEW, AccessEvent.Action.PRINT)
# A case lists at most this many event ids; its figures carry the full count, and the
# person's timeline in the audit pages shows the rest.
EVENT_IDS_LIMIT = 100

Kind = AnomalyCase.Kind


@dataclass
class Finding:
    """What one rule found for one person (and card, or event) on the day."""

    kind: str
    subject_id: int
    key: str = ""
    station_id: int | None = None
    beat_id: int | None = None
    summary: str = ""
    figures: dict = field(default_factory=dict)
    event_ids: list[int] = field(default_factory=list)


# --- The day in Tokyo time -----------------------------------------------------------------


def _tokyo() -> dt.tzinfo:
    return timezone.get_default_timezone()


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=_tokyo())


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return _at(day, dt.time(0)), _at(day + dt.timedelta(days=1), dt.time(0))


def duty_hours() -> tuple[dt.time, dt.time]:
    """AUDIT_DUTY_START and AUDIT_DUTY_END ("HH:MM") as times."""
    return (
        dt.time.fromisoformat(settings.AUDIT_DUTY_START),
        dt.time.fromisoformat(settings.AUDIT_DUTY_END),
    )


def _card_reads(start: dt.datetime, end: dt.datetime) -> QuerySet[AccessEvent]:
    return AccessEvent.objects.filter(
        occurred_at__gte=start,
        occurred_at__lt=end,
        object_type=CARD,
        action__in=READ_ACTIONS,
        outcome=AccessEvent.Outcome.SUCCESS,
        user__isnull=False,
    )


@dataclass
class _PersonEvents:
    count: int = 0
    station_id: int | None = None
    event_ids: list[int] = field(default_factory=list)
    objects: set[str] = field(default_factory=set)

    def add(self, pk: int, station_id: int | None, object_id: str) -> None:
        self.count += 1
        if self.station_id is None:
            self.station_id = station_id
        if len(self.event_ids) < EVENT_IDS_LIMIT:
            self.event_ids.append(pk)
        self.objects.add(object_id)


def _by_person(events: QuerySet[AccessEvent]) -> dict[int, _PersonEvents]:
    """One pass over a day's flagged events (few: out-of-scope, off-hours, sensitive),
    oldest first, grouped by person."""
    people: dict[int, _PersonEvents] = defaultdict(_PersonEvents)
    rows = events.order_by("occurred_at", "pk").values_list(
        "pk", "user_id", "station_id", "object_id"
    )
    for pk, user_id, station_id, object_id in rows.iterator(chunk_size=2000):
        people[user_id].add(pk, station_id, object_id)
    return people


# --- The rules -----------------------------------------------------------------------------


def find_read_spikes(day: dt.date) -> list[Finding]:
    """READ_SPIKE: card reads on the day ≥ max(AUDIT_SPIKE_MIN, AUDIT_SPIKE_FACTOR × usual),
    usual = the median of the person's daily reads over the previous
    AUDIT_SPIKE_BASELINE_DAYS days (days without reads count as 0).

    Three queries whatever the number of people: the day's reads per person (only those
    at AUDIT_SPIKE_MIN or more can be a spike), their reads per day over the baseline, and
    the first event ids of those who spiked.
    """
    start, end = _day_bounds(day)
    minimum = max(settings.AUDIT_SPIKE_MIN, 1)
    today = {
        row["user_id"]: row
        for row in _card_reads(start, end)
        .order_by()
        .values("user_id")
        .annotate(reads=Count("pk"), station_id=Min("station_id"))
        .filter(reads__gte=minimum)
    }
    if not today:
        return []
    baseline_days = max(settings.AUDIT_SPIKE_BASELINE_DAYS, 1)
    per_day: dict[int, list[int]] = defaultdict(list)
    rows = (
        _card_reads(start - dt.timedelta(days=baseline_days), start)
        .filter(user_id__in=list(today))
        .annotate(day=TruncDate("occurred_at", tzinfo=_tokyo()))
        .order_by()
        .values("user_id", "day")
        .annotate(reads=Count("pk"))
    )
    for row in rows:
        per_day[row["user_id"]].append(row["reads"])
    spikes: dict[int, Finding] = {}
    for user_id, row in today.items():
        counts = per_day[user_id]
        usual = statistics.median(counts + [0] * (baseline_days - len(counts)))
        # Reads are whole numbers: "at least 3 × 2.5" is at least 8.
        threshold = max(settings.AUDIT_SPIKE_MIN, math.ceil(settings.AUDIT_SPIKE_FACTOR * usual))
        reads = row["reads"]
        if reads < threshold:
            continue
        usual_shown = int(usual) if float(usual).is_integer() else round(float(usual), 1)
        spikes[user_id] = Finding(
            kind=Kind.READ_SPIKE,
            subject_id=user_id,
            station_id=row["station_id"],
            summary=f"カードの閲覧・印刷 {reads}件（通常 1日{usual_shown}件、基準 {threshold}件）",
            figures={"reads": reads, "usual": usual_shown, "threshold": threshold},
        )
    if spikes:
        ids = (
            _card_reads(start, end)
            .filter(user_id__in=list(spikes))
            .order_by("occurred_at", "pk")
            .values_list("user_id", "pk")
        )
        for user_id, pk in ids.iterator(chunk_size=2000):
            finding = spikes[user_id]
            if len(finding.event_ids) < EVENT_IDS_LIMIT:
                finding.event_ids.append(pk)
    return list(spikes.values())


def find_out_of_scope(day: dt.date) -> list[Finding]:
    """OUT_OF_SCOPE: any event flagged out of scope (a card or page the person may not
    reach); one case per person and day."""
    start, end = _day_bounds(day)
    events = AccessEvent.objects.filter(
        occurred_at__gte=start, occurred_at__lt=end, out_of_scope=True, user__isnull=False
    )
    return [
        Finding(
            kind=Kind.OUT_OF_SCOPE,
            subject_id=user_id,
            station_id=found.station_id,
            summary=f"担当範囲外へのアクセス {found.count}件",
            figures={"events": found.count},
            event_ids=found.event_ids,
        )
        for user_id, found in _by_person(events).items()
    ]


def find_break_glass(day: dt.date) -> list[Finding]:
    """BREAK_GLASS: a card opened by 緊急閲覧; one case per person, card and day, with the
    card's beat (whose 取扱責任者 reviews the case too)."""
    start, end = _day_bounds(day)
    rows = (
        AccessEvent.objects.filter(
            occurred_at__gte=start,
            occurred_at__lt=end,
            break_glass=True,
            object_type=CARD,
            user__isnull=False,
        )
        .order_by("occurred_at", "pk")
        .values_list("pk", "user_id", "station_id", "object_id")
    )
    groups: dict[tuple[int, str], _PersonEvents] = defaultdict(_PersonEvents)
    for pk, user_id, station_id, object_id in rows:
        groups[(user_id, object_id)].add(pk, station_id, object_id)
    if not groups:
        return []
    card_kind = registry.kind(CARD)
    card_ids = sorted({card_id for _, card_id in groups})
    beats = card_kind.beat_of(card_ids) if card_kind and card_kind.beat_of else {}
    return [
        Finding(
            kind=Kind.BREAK_GLASS,
            subject_id=user_id,
            key=card_id,
            station_id=found.station_id,
            beat_id=beats.get(card_id),
            summary=f"カード No.{card_id} の緊急閲覧（記録 {found.count}件）",
            figures={"events": found.count, "card": card_id},
            event_ids=found.event_ids,
        )
        for (user_id, card_id), found in groups.items()
    ]


def find_off_hours(day: dt.date) -> list[Finding]:
    """OFF_HOURS: card reads before AUDIT_DUTY_START or from AUDIT_DUTY_END on, Tokyo time;
    one case per person and day. Two ranges of the time index, not a time-of-day function
    over every event."""
    start, end = _day_bounds(day)
    duty_start, duty_end = duty_hours()
    events = _card_reads(start, _at(day, duty_start)) | _card_reads(_at(day, duty_end), end)
    return [
        Finding(
            kind=Kind.OFF_HOURS,
            subject_id=user_id,
            station_id=found.station_id,
            summary=f"勤務時間（{duty_start:%H:%M}〜{duty_end:%H:%M}）外のカードの閲覧・印刷 "
            f"{found.count}件",
            figures={
                "reads": found.count,
                "duty": f"{duty_start:%H:%M}〜{duty_end:%H:%M}",
            },
            event_ids=found.event_ids,
        )
        for user_id, found in _by_person(events).items()
    ]


def find_large_exports(day: dt.date) -> list[Finding]:
    """LARGE_EXPORT: one export carrying AUDIT_LARGE_EXPORT records or more; one case per
    event."""
    start, end = _day_bounds(day)
    limit = settings.AUDIT_LARGE_EXPORT
    rows = (
        AccessEvent.objects.filter(
            occurred_at__gte=start,
            occurred_at__lt=end,
            action=AccessEvent.Action.EXPORT,
            record_count__gte=limit,
            user__isnull=False,
        )
        .order_by("occurred_at", "pk")
        .values_list("pk", "user_id", "station_id", "object_type", "record_count")
    )
    findings = []
    for pk, user_id, station_id, object_type, count in rows:
        audited = registry.kind(object_type)
        what = f"{audited.label}の" if audited else ""
        findings.append(
            Finding(
                kind=Kind.LARGE_EXPORT,
                subject_id=user_id,
                key=str(pk),
                station_id=station_id,
                summary=f"{what}出力 {count}件（基準 {limit}件以上）",
                figures={"records": count, "threshold": limit},
                event_ids=[pk],
            )
        )
    return findings


def find_sensitive_reads(day: dt.date) -> list[Finding]:
    """SENSITIVE: reads of cards marked 取扱注意; one case per person and day."""
    card_kind = registry.kind(CARD)
    if card_kind is None or card_kind.sensitive is None:
        return []
    start, end = _day_bounds(day)
    reads = _card_reads(start, end)
    read_ids = list(reads.order_by().values_list("object_id", flat=True).distinct())
    marked = card_kind.sensitive(read_ids) if read_ids else set()
    if not marked:
        return []
    return [
        Finding(
            kind=Kind.SENSITIVE,
            subject_id=user_id,
            station_id=found.station_id,
            summary=f"取扱注意のカードの閲覧・印刷 {found.count}件（カード {len(found.objects)}枚）",
            figures={"reads": found.count, "cards": len(found.objects)},
            event_ids=found.event_ids,
        )
        for user_id, found in _by_person(reads.filter(object_id__in=sorted(marked))).items()
    ]


RULES = (
    find_read_spikes,
    find_out_of_scope,
    find_break_glass,
    find_off_hours,
    find_large_exports,
    find_sensitive_reads,
)
