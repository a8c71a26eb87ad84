"""What a user holds, read once and kept: his active appointments, the kinds of grant he holds
and the objects each is on (accounts.permissions asks here). Per request on the user object and
across requests in the `grants` cache, under the user's grants stamp and the Tokyo date, so
that no answer outlives a grant that ended (grants.grants_changed replaces the stamp)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import caches
from django.db.models import CharField, Model, QuerySet, Value
from django.utils import timezone

from ..models import Appointment, Beat, Headquarters, Post, Station, User
from . import grants as grants_module

# The models whose object permissions _grant_rows_query reads (accounts.models' guardian
# tables): perms_on answers for them from the grants, for anything else through guardian.
_GUARDED_LABELS = frozenset(k._meta.label for k in (Headquarters, Station, Post, Beat))


def _grant_rows_query(user: User) -> list[tuple[str, str, int]]:
    """Every (model label, codename, object id) the user holds, directly or through his
    groups: one UNION query."""
    from .. import models

    pairs = [
        (
            Headquarters,
            models.HeadquartersUserObjectPermission,
            models.HeadquartersGroupObjectPermission,
        ),
        (Station, models.StationUserObjectPermission, models.StationGroupObjectPermission),
        (Post, models.PostUserObjectPermission, models.PostGroupObjectPermission),
        (Beat, models.BeatUserObjectPermission, models.BeatGroupObjectPermission),
    ]
    groups = user.groups.values("pk")
    queries: list[QuerySet[Model, tuple[str, str, int]]] = []
    for klass, direct, grouped in pairs:
        label = Value(klass._meta.label, output_field=CharField())
        queries.append(
            direct.objects.filter(user_id=user.pk)
            .annotate(model=label)
            .values_list("model", "permission__codename", "content_object_id")
        )
        queries.append(
            grouped.objects.filter(group__in=groups)
            .annotate(model=label)
            .values_list("model", "permission__codename", "content_object_id")
        )
    first, *rest = queries
    return list(first.union(*rest))


def _appointments_query(user: User) -> list[Appointment]:
    return list(
        Appointment.objects.filter(
            user=user, granted_at__isnull=False, revoked_at__isnull=True
        ).select_related(
            "headquarters", "station", "post", "post__station", "department", "division"
        )
    )


@dataclass(frozen=True)
class Grants:
    """What a user holds, as every page asks it: his active appointments (the header, the
    access log's role and station), the kinds of grant (menu entries and panels) and the ids
    of the objects each grant is held on (the scope of card lists)."""

    appointments: list[Appointment]
    held: frozenset[tuple[str, str]]
    ids: dict[tuple[str, str], list[int]]
    # (model label, object id) -> the codenames held on that object.
    on: dict[tuple[str, int], frozenset[str]]

    @classmethod
    def read(cls, user: User) -> Grants:
        ids: dict[tuple[str, str], set[int]] = {}
        on: dict[tuple[str, int], set[str]] = {}
        for label, codename, pk in _grant_rows_query(user):
            ids.setdefault((label, codename), set()).add(pk)
            on.setdefault((label, pk), set()).add(codename)
        return cls(
            appointments=_appointments_query(user),
            held=frozenset(ids),
            ids={key: sorted(pks) for key, pks in ids.items()},
            on={key: frozenset(codenames) for key, codenames in on.items()},
        )


def _grants_key(user: User) -> str:
    # The stamp changes with every grant or revocation (grants_changed), the day with the date
    # an appointment may start or end on: an entry is never read once it could be wrong.
    return f"grants:{user.pk}:{user.grants_stamp}:{timezone.localdate().isoformat()}"


def _grants(user: User) -> Grants:
    """The user's grants, kept per request on the user object and across requests in the
    `grants` cache (one local read instead of two queries on every page)."""
    # On the user object, under the stamp it was read with: a user refreshed from the
    # database after a change of grants reads them again. If grants changed in this process
    # since, the object's stamp may be behind the database's: one query to know.
    stamp, seen, cached = user.__dict__.get("_grants", (None, 0, None))
    if cached is not None and seen != grants_module.changes_seen:
        current = User.objects.filter(pk=user.pk).values_list("grants_stamp", flat=True).first()
        if current is not None:
            user.grants_stamp = current
    if cached is None or stamp != user.grants_stamp:
        key = _grants_key(user)
        cached = caches["grants"].get(key)
        if cached is None:
            cached = Grants.read(user)
            caches["grants"].set(key, cached)
    user.__dict__["_grants"] = (user.grants_stamp, grants_module.changes_seen, cached)
    return cached
