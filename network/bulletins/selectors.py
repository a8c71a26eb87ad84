"""Reads of the bulletin shelf: a station's bulletins are read by its staff, HQ's by the
staff of every station of that HQ and by HQ's publishers; anything else is a 404. 「現在」
is today in Tokyo."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import Beat, User
from network.bulletins.models import Bulletin
from network.bulletins.policy import PUBLISH, READ, publish_headquarters

BULLETIN = "network.bulletin"


def bulletin_list(*, user: User) -> QuerySet[Bulletin]:
    """Every bulletin the user may read, current or not: his stations' own (as their staff
    or their publisher) and those of the HQ over them or where he publishes."""
    stations = (
        permissions.stations_for(user, READ) | permissions.stations_for(user, PUBLISH)
    ).values("pk")
    station_hqs = permissions.stations_for(user, READ).values("headquarters_id")
    return (
        Bulletin.objects.filter(
            Q(station__in=stations)
            | Q(headquarters__in=station_hqs)
            | Q(headquarters__in=publish_headquarters(user).values("pk"))
        )
        .select_related("station", "headquarters", "published_by")
        .defer("pdf")
    )


def bulletin_current_list(*, user: User, today: dt.date | None = None) -> QuerySet[Bulletin]:
    """「現在の地域安全情報」: valid today, those for the user's own beats first, then the
    newest."""
    today = today or timezone.localdate()
    mine = Beat.objects.filter(
        pk__in=permissions.beats_for(user, "record_visits").values("pk"),
        bulletins=OuterRef("pk"),
    )
    return (
        bulletin_list(user=user)
        .filter(valid_from__lte=today, valid_until__gte=today)
        .annotate(for_my_beats=Exists(mine))
        .prefetch_related("beats__post")
        .order_by("-for_my_beats", "-valid_from", "-pk")
    )


def bulletin_handout_list(*, user: User, station_id: int, on: dt.date) -> QuerySet[Bulletin]:
    """What may be handed to a member of this station in an exchange on `on`: the station's
    and its HQ's bulletins valid that day (an exchange recorded late keeps its day's shelf)."""
    return (
        bulletin_list(user=user)
        .filter(Q(station_id=station_id) | Q(headquarters__stations=station_id))
        .filter(valid_from__lte=on, valid_until__gte=on)
        .order_by("-valid_from", "-pk")
    )


def bulletin_get(*, user: User, pk: int) -> Bulletin:
    bulletin = bulletin_list(user=user).filter(pk=pk).prefetch_related("beats__post").first()
    if bulletin is None:
        raise OutOfScope(BULLETIN, str(pk))
    return bulletin


def bulletin_pdf_get(*, user: User, pk: int) -> Bulletin:
    """The same scope as bulletin_get, with the file's bytes."""
    bulletin = bulletin_list(user=user).filter(pk=pk).defer(None).first()
    if bulletin is None or not bulletin.pdf:
        raise OutOfScope(BULLETIN, str(pk))
    return bulletin
