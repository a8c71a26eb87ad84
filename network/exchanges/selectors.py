"""Reads of exchanges: a station's exchanges are read by its staff (record_exchanges) and
by nobody else; another station's exchange is a 404."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.exceptions import OutOfScope
from accounts.models import Department, User
from network.exchanges.models import Exchange
from network.exchanges.policy import exchange_stations
from network.members.models import LiaisonMember, MemberStatus
from network.members.selectors import member_list

EXCHANGE = "network.exchange"


def exchange_list(*, user: User) -> QuerySet[Exchange]:
    """The exchanges of the user's stations, the newest first."""
    return Exchange.objects.filter(station__in=exchange_stations(user).values("pk")).select_related(
        "member", "staff", "department", "station"
    )


def exchange_get(*, user: User, pk: int) -> Exchange:
    exchange = (
        exchange_list(user=user)
        .filter(pk=pk)
        .prefetch_related("bulletins", "requests__department")
        .first()
    )
    if exchange is None:
        raise OutOfScope(EXCHANGE, str(pk))
    return exchange


def exchange_member_choices(*, user: User) -> QuerySet[LiaisonMember]:
    """連絡員 the user may record an exchange with: active members he sees (member_list) at
    the stations where he records exchanges."""
    return (
        member_list(user=user)
        .filter(
            station__in=exchange_stations(user).values("pk"),
            status=MemberStatus.ACTIVE,
            personal_data_removed_at__isnull=True,
        )
        .order_by("station__code", "name_kana", "pk")
    )


def exchange_department_choices(*, user: User) -> QuerySet[Department]:
    """Every department of the user's exchange stations (requests, filters)."""
    return Department.objects.filter(station__in=exchange_stations(user).values("pk")).order_by(
        "station__code", "pk"
    )
