"""Which cards are due (the visit-frequency policy as a DueRule, with 署長指示 and 丁目
areas), the officer's worklist, 専従日, the station's officers, the stations whose
progress a user reviews, and the history of the visit-frequency policy."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import OutOfScope, PermissionDenied
from accounts.models import Headquarters, Station, User
from liaison import text
from liaison.cards.models import CardStatus, LiaisonCard
from liaison.instructions.models import StationInstruction
from liaison.planning.forms import KIND_FIELDS, POLICY_FIELDS
from liaison.planning.models import DedicatedDay, VisitPolicy


def review_station_ids(*, user: User) -> list[int]:
    """The ids of the stations whose progress the user reviews, from his grants (no query)."""
    return permissions.object_ids(user, "review_progress", Station)


def review_station_list(*, user: User) -> QuerySet[Station]:
    """The stations whose progress the user reviews (地域課長等, 署長; HQ: all)."""
    return Station.objects.filter(pk__in=review_station_ids(user=user)).order_by("code")


def review_station_get(*, user: User, pk: int) -> Station:
    station = review_station_list(user=user).select_related("headquarters").filter(pk=pk).first()
    if station is None:
        raise OutOfScope("accounts.station", str(pk))
    return station


def visit_policy_get(*, headquarters_id: int) -> VisitPolicy:
    """The policy in force; HQ's defaults (a 365-day cycle, households and businesses) until
    HQ sets one."""
    policy = VisitPolicy.objects.filter(headquarters_id=headquarters_id).first()
    return policy or VisitPolicy(headquarters_id=headquarters_id)


# --- 要訪問・期限超過: the one definition (issue 10 point 6) ----------------------------------
#
# Every figure and list of due or overdue cards (the progress pages and their home panel,
# the worklist and its home panel, the book's 受持区要覧, the takeover page) reads it here:
# a DueRule says which cards count and when each falls due, card_due_count counts them and
# due_card_list lists them.
@dataclass
class DueRule:
    """What makes a card due on `today`, for the stations whose 署長指示 it carries.

    Counted (要領 第5-1): filed (a closed card is not), of a kind the policy counts or added
    by a 署長指示 in force, and not excluded by one (an exclusion wins over an addition).
    Due date (第5-2): the last visit plus the card's cycle (the shortest of its care points'
    cycles and the default); never visited, the day it was filed. A counted card is due
    (要訪問) from its due date, and overdue (期限超過) the day after.
    """

    policy: VisitPolicy
    today: dt.date
    instructions: list[StationInstruction] = field(default_factory=list)
    # instruction pk -> card ids it names
    instruction_cards: dict[int, list[int]] = field(default_factory=dict)

    def _targets_q(self, action: str) -> Q | None:
        """The cards and areas of the instructions of one kind, OR'ed; None if none."""
        q: Q | None = None
        for instruction in self.instructions:
            if instruction.action != action:
                continue
            parts = [
                area_q(area) & Q(station_id=instruction.station_id) for area in instruction.areas
            ]
            ids = self.instruction_cards.get(instruction.pk, [])
            if ids:
                parts.append(Q(pk__in=ids))
            for part in parts:
                q = part if q is None else q | part
        return q

    def counted_q(self) -> Q:
        counted = Q(kind__in=self.policy.kinds)
        added = self._targets_q(StationInstruction.Action.INCLUDE)
        if added is not None:
            counted |= added
        excluded = self._targets_q(StationInstruction.Action.EXCLUDE)
        if excluded is not None:
            counted &= ~excluded
        return Q(status=CardStatus.FILED) & counted

    def fresh_q(self, day: dt.date) -> Q:
        """Visited within its cycle as of `day`. A card's cycle is the shortest of its care
        points' cycles and the default, so `last > day - min(cycles)` is the AND of
        `last > day - c` over the cycles that apply: plain date comparisons that any index
        can serve."""
        policy = self.policy
        q = Q(last_visit_on__gt=day - dt.timedelta(days=policy.default_cycle_days))
        for flag, name in VisitPolicy.CARE_CYCLES.items():
            days = getattr(policy, name)
            if days:
                q &= Q(**{flag: False}) | Q(last_visit_on__gt=day - dt.timedelta(days=days))
        return q

    def not_due_q(self) -> Q:
        """Its due date is after today."""
        return self.fresh_q(self.today)

    def not_overdue_q(self) -> Q:
        """Its due date is today or later: visited within its cycle as of yesterday, or never
        visited and filed today (a new card is due the day it is filed, overdue after)."""
        midnight = dt.datetime.combine(
            self.today, dt.time.min, tzinfo=timezone.get_current_timezone()
        )
        filed_today = Q(filed_at__gte=midnight) | Q(filed_at__isnull=True, created_at__gte=midnight)
        return self.fresh_q(self.today - dt.timedelta(days=1)) | (
            Q(last_visit_on__isnull=True) & filed_today
        )

    def due_on(self, card: LiaisonCard) -> dt.date:
        if card.last_visit_on:
            return card.last_visit_on + dt.timedelta(days=self.policy.cycle_for(card))
        return timezone.localdate(card.filed_at or card.created_at)

    def overdue_days(self, card: LiaisonCard) -> int:
        return max((self.today - self.due_on(card)).days, 0)

    # due_on and overdue_days in SQL, so that a list can be ordered and paged by them in
    # the database (the worklist): the same dates, the same cycles.
    def due_on_expression(self) -> Case:
        policy = self.policy
        default = Value(policy.default_cycle_days)
        cycles: list[Any] = [default]
        for flag, name in VisitPolicy.CARE_CYCLES.items():
            days = getattr(policy, name)
            if days:
                cycles.append(Case(When(**{flag: True}, then=Value(days)), default=default))
        cycle = Least(*cycles) if len(cycles) > 1 else default
        return Case(
            # timezone.localdate(filed_at or created_at): TruncDate takes the Tokyo date.
            When(last_visit_on__isnull=True, then=TruncDate(Coalesce("filed_at", "created_at"))),
            default=_Plus(F("last_visit_on"), cycle, output_field=DateField()),
            output_field=DateField(),
        )

    def overdue_days_expression(self) -> Greatest:
        today = Value(self.today, output_field=DateField())
        return Greatest(_Minus(today, self.due_on_expression()), Value(0))


class _Plus(Func):
    """a + b: date + integer is a date in PostgreSQL."""

    template = "(%(expressions)s)"
    arg_joiner = " + "

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        # SQLite (make run): date(a, '+' || b || ' days') is the ISO date Django reads back.
        return self.as_sql(
            compiler,
            connection,
            template="date(%(expressions)s || ' days')",
            arg_joiner=", '+' || ",
        )


class _Minus(Func):
    """a - b: date - date is a number of days in PostgreSQL."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        # SQLite (make run): whole days between the two dates.
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


AREA_CHOME = re.compile(r"^(.+?)(\d+)丁目$")


def area_parts(area: str) -> tuple[str, int | None]:
    """「千波町一丁目」 → ("千波町", 1); 「千波町」 → ("千波町", None). NFKC (full-width digits
    and spaces too), kanji numerals as digits, spaces removed."""
    normal = text.arabic(area).replace(" ", "")
    match = AREA_CHOME.match(normal)
    if match:
        return match.group(1), int(match.group(2))
    return normal, None


def area_q(area: str) -> Q:
    """The cards of an area (町字, or 町字 and 丁目), on the card's address key (its 町字 and
    番地 in natural form, numbers zero-padded). 「千波町」 covers 千波町 and its 丁目 (千波町一丁目
    …) but not 千波町東; 「千波町一丁目」 covers a 町字 written 千波町一丁目, and 千波町 with the
    番地 一丁目2番3号 or 1-2-3 (the first number of a 番地 is its 丁目 where there are 丁目)."""
    town, chome = area_parts(area)
    key = text.natural_key(town)
    if chome is None:
        # Exactly this 町字, or this 町字 followed by its 丁目 (a zero-padded number).
        return Q(address_key__startswith=key + "\x1f") | Q(
            address_key__regex=rf"^{re.escape(key)}[0-9]"
        )
    number = f"{chome:06d}"
    return (
        Q(address_key__startswith=f"{key}{number}丁目")
        | Q(address_key__startswith=f"{key}\x1f{number}丁目")
        | Q(address_key__startswith=f"{key}\x1f{number}-")
    )


def due_rule_get(
    *,
    headquarters_id: int,
    station_ids: list[int],
    today: dt.date,
    policy: VisitPolicy | None = None,
) -> DueRule:
    """The rule in force on `today` for these stations (of one HQ): the policy (unless the
    caller has read it already), and the 署長指示 in force with the cards they name. Two
    queries, three with instructions; one less given the policy."""
    instructions = list(
        StationInstruction.objects.filter(
            station_id__in=station_ids,
            starts_on__lte=today,
            ends_on__gte=today,
            ended_at__isnull=True,
        ).order_by("starts_on", "pk")
    )
    cards: dict[int, list[int]] = {}
    if instructions:
        through = StationInstruction.cards.through.objects.filter(
            stationinstruction_id__in=[i.pk for i in instructions]
        ).values_list("stationinstruction_id", "liaisoncard_id")
        for instruction_id, card_id in through:
            cards.setdefault(instruction_id, []).append(card_id)
    return DueRule(
        policy=policy or visit_policy_get(headquarters_id=headquarters_id),
        today=today,
        instructions=instructions,
        instruction_cards=cards,
    )


def station_due_rule_get(*, station: Station, today: dt.date) -> DueRule:
    return due_rule_get(
        headquarters_id=station.headquarters_id, station_ids=[station.pk], today=today
    )


def _due_aggregates(rule: DueRule) -> dict[str, Count]:
    counted = rule.counted_q()
    return {
        "to_visit": Count("pk", filter=counted),
        "visited": Count("pk", filter=counted & rule.not_due_q()),
        "in_time": Count("pk", filter=counted & rule.not_overdue_q()),
    }


def _due_figures(row: dict[str, Any]) -> dict[str, int]:
    to_visit, visited, in_time = (row.get(k) or 0 for k in ("to_visit", "visited", "in_time"))
    return {
        "to_visit": to_visit,
        "visited": visited,
        "due": to_visit - visited,
        "overdue": to_visit - in_time,
    }


def card_due_count(*, cards: QuerySet[LiaisonCard], rule: DueRule, group: str | None = None) -> Any:
    """対象件数 (to_visit), 周期内に実施 (visited), 要訪問 (due) and 期限超過 (overdue) of
    these cards under the rule, in one aggregate; a dict of them per `group` value if given."""
    aggregates = _due_aggregates(rule)
    if group is None:
        return _due_figures(cards.aggregate(**aggregates))
    rows = cards.order_by().values(group).annotate(**aggregates).values(group, *aggregates)
    return {row[group]: _due_figures(row) for row in rows}


def due_card_list(
    *, cards: QuerySet[LiaisonCard], rule: DueRule, overdue_only: bool = False
) -> QuerySet[LiaisonCard]:
    """The counted cards among `cards` that are due (or only those overdue) under the rule."""
    due = cards.filter(rule.counted_q()).exclude(rule.not_due_q())
    return due.exclude(rule.not_overdue_q()) if overdue_only else due


def dedicated_day_list(*, station: Station, month: dt.date) -> QuerySet[DedicatedDay]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return (
        DedicatedDay.objects.filter(station=station, date__gte=start, date__lt=end)
        .select_related("officer", "set_by")
        .order_by("date", "officer__employee_number")
    )


def station_officer_list(*, station: Station, user: User | None = None) -> list[User]:
    """The beat officers currently assigned in the station; given the user, those on the
    beats of his remit (a 地域課長等 of one 地域課: its posts' officers)."""
    from accounts.models import BeatAssignment

    assignments = BeatAssignment.objects.filter(
        beat__post__station=station, granted_at__isnull=False, revoked_at__isnull=True
    )
    if user is not None:
        assignments = assignments.filter(
            beat__in=permissions.remit_beats(user, station).values("pk")
        )
    ids = assignments.values("officer_id")
    return list(User.objects.filter(pk__in=ids).order_by("employee_number"))


def headquarters_get(user: User) -> Headquarters:
    """The HQ whose policy the user works under: the one he sets it for, the HQ of his
    station, or the only HQ there is."""
    managed = permissions.objects_for(user, "set_visit_policy", Headquarters).first()
    if managed is not None:
        return managed
    station = permissions.home_station(user)
    if station is None:
        beat = permissions.beats_for(user).select_related("post__station").first()
        station = beat.post.station if beat else None
    if station is not None:
        return Headquarters.objects.get(pk=station.headquarters_id)
    rows = list(Headquarters.objects.all()[:2])
    if len(rows) != 1:
        raise OutOfScope("accounts.headquarters")
    return rows[0]


def _policy_value(name: str, value: Any) -> str:
    if name in KIND_FIELDS:
        return "対象" if value else "対象外"
    if value in (None, ""):
        return "設定なし（通常の周期）"
    return f"{value}日"


@dataclass
class PolicyChange:
    when: dt.datetime
    who: str
    reason: str
    kind: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # label, before, after


def visit_policy_history(headquarters: Headquarters) -> list[PolicyChange]:
    """The policy's changes, newest first, each as field label: before → after. One query.

    The policy is the same for everyone under this HQ (no personal data), so its history
    is read here rather than through a per-user selector."""
    records = list(
        VisitPolicy.history.filter(headquarters_id=headquarters.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    # POLICY_FIELDS are concrete fields of the policy.
    labels = {f.name: str(f.verbose_name) for f in VisitPolicy._meta.concrete_fields}
    entries: list[PolicyChange] = []
    previous = None
    for record in records:
        changes = []
        for name in POLICY_FIELDS:
            after = getattr(record, name)
            before = getattr(previous, name) if previous is not None else None
            if previous is None or before != after:
                changes.append(
                    (
                        labels[name],
                        _policy_value(name, before) if previous is not None else "",
                        _policy_value(name, after),
                    )
                )
        user = record.history_user
        entries.append(
            PolicyChange(
                when=record.history_date,
                who=f"{user.full_name}（{user.employee_number}）" if user else "システム",
                reason=record.history_change_reason or record.reason or "",
                kind="設定" if previous is None else "変更",
                changes=changes,
            )
        )
        previous = record
    entries.reverse()
    return entries


def dedicated_day_get(user: User, pk: int) -> DedicatedDay:
    day = (
        DedicatedDay.objects.select_related("officer", "station", "set_by")
        .filter(pk=pk, station__in=review_station_list(user=user))
        .first()
    )
    if day is None:
        raise OutOfScope("liaison.dedicatedday", str(pk))
    if not permissions.has_perm(user, "set_dedicated_days", day.station):
        raise PermissionDenied("専従日を設定できるのは地域課長等と警察署長です。")
    return day
