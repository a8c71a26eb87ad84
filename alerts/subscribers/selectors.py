"""Reads of subscribers: who an alert reaches, the choices the sign-up offers, a subscriber
found by the key of his own page, a member of staff's own subscription, and how many of a
station's staff have subscribed. Never the addresses on a staff page: counts only, except on
the subscriber's own page and in the audit."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts import permissions
from accounts.models import Appointment, Headquarters, Municipality, Station, User

from ..categories.models import Category
from .links import Choices, Pending, pending_loads
from .models import Subscriber


def subscribers_reached(
    *,
    category: Category,
    whole_prefecture: bool,
    stations: Iterable[Station] = (),
    municipalities: Iterable[Municipality] = (),
) -> QuerySet[Subscriber]:
    """Subscribers of the category whose areas meet the alert's: everyone of the category
    for a prefecture-wide alert; else those who chose the whole prefecture, a municipality
    named, or a municipality in a station's area named. An address stopped for bounces
    (stopped_at) is reached by nothing until its owner confirms it again."""
    chosen = Subscriber.objects.filter(categories=category, stopped_at__isnull=True)
    if whole_prefecture:
        return chosen.distinct()
    area = Q(whole_prefecture=True)
    station_ids = [s.pk for s in stations]
    municipality_ids = [m.pk for m in municipalities]
    if station_ids:
        area |= Q(municipalities__station__in=station_ids)
    if municipality_ids:
        area |= Q(municipalities__in=municipality_ids)
    return chosen.filter(area).distinct()


# --- What the sign-up offers --------------------------------------------------------------


@dataclass(frozen=True)
class AreaGroup:
    """The municipalities in one station's area, as the sign-up groups them."""

    station: Station
    municipalities: list[Municipality]


@dataclass(frozen=True)
class SignupOptions:
    categories: list[Category]
    areas: list[AreaGroup]


def signup_options() -> SignupOptions:
    """The categories in use, in their order, and the municipalities grouped by station."""
    categories = list(Category.objects.filter(is_active=True).order_by("order", "code"))
    groups: dict[int, AreaGroup] = {}
    for municipality in Municipality.objects.select_related("station").order_by(
        "station__code", "code"
    ):
        station = municipality.station
        groups.setdefault(station.pk, AreaGroup(station, [])).municipalities.append(municipality)
    return SignupOptions(categories=categories, areas=list(groups.values()))


@dataclass(frozen=True)
class ChoicesSummary:
    """Choices as a person reads them back: names, not ids."""

    categories: list[str]
    whole_prefecture: bool
    municipalities: list[str]


def choices_summary(*, choices: Choices) -> ChoicesSummary:
    return ChoicesSummary(
        categories=list(
            Category.objects.filter(pk__in=choices.categories, is_active=True)
            .order_by("order", "code")
            .values_list("name", flat=True)
        ),
        whole_prefecture=choices.whole_prefecture,
        municipalities=[]
        if choices.whole_prefecture
        else list(
            Municipality.objects.filter(pk__in=choices.municipalities)
            .order_by("code")
            .values_list("name", flat=True)
        ),
    )


def subscriber_choices(*, subscriber: Subscriber) -> Choices:
    return Choices(
        categories=tuple(subscriber.categories.order_by("pk").values_list("pk", flat=True)),
        whole_prefecture=subscriber.whole_prefecture,
        municipalities=tuple(subscriber.municipalities.order_by("pk").values_list("pk", flat=True)),
    )


@dataclass(frozen=True)
class ConfirmPage:
    """What a link asks to be confirmed, read back to its owner before he presses the button."""

    pending: Pending
    summary: ChoicesSummary | None


def confirm_page(*, token: str) -> ConfirmPage:
    """What the link asks, read back; LinkInvalid for a bad or expired link."""
    pending = pending_loads(token)
    summary = choices_summary(choices=pending.choices) if pending.choices is not None else None
    return ConfirmPage(pending=pending, summary=summary)


# --- A subscriber's own page ----------------------------------------------------------------


class SubscriberNotFound(Http404):
    """No subscriber has this key (unsubscribed, or a mistyped link)."""


# What new_token() makes (secrets.token_urlsafe): anything else is no key, unasked.
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def subscriber_get(*, token: str) -> Subscriber:
    """The subscriber whose page key this is; SubscriberNotFound otherwise."""
    subscriber = Subscriber.objects.filter(token=token).first() if _KEY.fullmatch(token) else None
    if subscriber is None:
        raise SubscriberNotFound("登録が見つかりません。")
    return subscriber


def masked_address(email: str) -> str:
    """The address as a subscriber's page shows it: enough for its owner to recognise it,
    not the whole of it (the key of the page travels in links and may be forwarded)."""
    local, _, domain = email.partition("@")
    return f"{local[:2]}{'•' * max(len(local) - 2, 3)}@{domain}"


@dataclass(frozen=True)
class ManagePage:
    subscriber: Subscriber
    address: str
    choices: Choices
    summary: ChoicesSummary


def manage_page(*, subscriber: Subscriber) -> ManagePage:
    choices = subscriber_choices(subscriber=subscriber)
    return ManagePage(
        subscriber=subscriber,
        address=masked_address(subscriber.email),
        choices=choices,
        summary=choices_summary(choices=choices),
    )


# --- Staff (seed 003 6⑸) --------------------------------------------------------------------


def my_subscription(*, user: User) -> ManagePage | None:
    """The signed-in member of staff's own subscription, if he has one."""
    subscriber = Subscriber.objects.filter(staff_user=user).first()
    return manage_page(subscriber=subscriber) if subscriber is not None else None


@dataclass(frozen=True)
class StationCount:
    """How many of a station's staff have subscribed, of how many: never who."""

    station: Station
    staff: int
    subscribed: int

    @property
    def percent(self) -> int:
        return round(100 * self.subscribed / self.staff) if self.staff else 0


def staff_subscription_counts(*, user: User) -> list[StationCount]:
    """For each station the user heads (accounts.permissions.station_ids_headed), its staff —
    people with an active appointment at the station or one of its posts — and how many of
    them have subscribed. One query for the counts, whatever the number of stations."""
    stations = list(
        Station.objects.filter(pk__in=permissions.station_ids_headed(user)).order_by("code")
    )
    rows = (
        Appointment.objects.filter(
            granted_at__isnull=False, revoked_at__isnull=True, user__is_active=True
        )
        .filter(Q(station__in=stations) | Q(post__station__in=stations))
        .annotate(at=Coalesce("station_id", "post__station_id"))
        .values("at")
        .annotate(
            staff=Count("user", distinct=True),
            subscribed=Count(
                "user", filter=Q(user__alert_subscription__isnull=False), distinct=True
            ),
        )
    )
    counts = {row["at"]: (row["staff"], row["subscribed"]) for row in rows}
    return [StationCount(s, *counts.get(s.pk, (0, 0))) for s in stations]


# --- The flyer (seed 003 6⑷) ----------------------------------------------------------------


@dataclass(frozen=True)
class FlyerPage:
    headquarters: str
    categories: list[Category]


def flyer_page() -> FlyerPage:
    hq = Headquarters.objects.order_by("pk").values_list("name", flat=True).first()
    categories = list(Category.objects.filter(is_active=True).order_by("order", "code"))
    return FlyerPage(headquarters=hq or "", categories=categories)
