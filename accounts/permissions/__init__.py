"""The one permissions module: every view and selector asks here.

Two faces: a yes/no question about one object (`has_perm`, `require`) and a queryset of
what a user may act on (`objects_for`, `beats_for`). Each feature's policy module turns these
into the actions its objects allow; this module knows no feature's states.
This is the only module that imports guardian's shortcuts. Every permission comes from an
active Appointment (through its role group) or an active BeatAssignment (direct grant).

What a user holds is read once and kept (held.py, the grants cache); granting is grants.py.

Superusers get nothing for free here: the admin site is for maintenance, not for reading
personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeGuard, TypeVar, cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet
from guardian.shortcuts import (
    get_group_perms,
    get_objects_for_user,
    get_user_perms,
    get_users_with_perms,
)

from ..exceptions import PermissionDenied
from ..models import (
    ALERT_ROLES,
    HQ_ROLES,
    AnomalyCase,
    Appointment,
    Beat,
    Department,
    Headquarters,
    Post,
    Role,
    Station,
    User,
)
from .grants import ASSIGNMENT_GRANTS as ASSIGNMENT_GRANTS
from .grants import BEAT_PRINT as BEAT_PRINT
from .grants import BEAT_READ as BEAT_READ
from .grants import BEAT_WRITE as BEAT_WRITE
from .grants import DEPARTMENT_ROLES as DEPARTMENT_ROLES
from .grants import ROLE_GRANTS as ROLE_GRANTS
from .grants import Guarded as Guarded
from .grants import Unit as Unit
from .grants import grant_assignment as grant_assignment
from .grants import grants_changed as grants_changed
from .grants import group_department as group_department
from .grants import revoke_assignment as revoke_assignment
from .grants import role_group_for as role_group_for
from .grants import role_group_sync as role_group_sync
from .grants import role_groups_sync_all as role_groups_sync_all
from .grants import role_groups_sync_for_beat as role_groups_sync_for_beat
from .grants import role_groups_sync_station as role_groups_sync_station

# Granting, re-exported: accounts.services grants and revokes through this module.
from .held import _GUARDED_LABELS, _grants

# What a question may be asked about: a signed-in user, or request.user before sign-in (every
# question answers no for the anonymous and the inactive).
AnyUser = User | AnonymousUser
_M = TypeVar("_M", bound=Model)


# --- Asking --------------------------------------------------------------------------


def _usable(user: AnyUser | None) -> TypeGuard[User]:
    """A signed-in, active user: the only kind that holds anything."""
    return bool(user and user.is_authenticated and user.is_active)


def perms_on(user: AnyUser, obj: Model) -> frozenset[str]:
    """Codenames the user holds on obj (direct and through groups), cached per user object."""
    if not _usable(user):
        return frozenset()
    key = (obj._meta.label, obj.pk)
    if key[0] in _GUARDED_LABELS:
        # The organisation's units: every grant on them is in the user's grants (one read).
        return _grants(user).on.get(key, frozenset())
    cache = user.__dict__.setdefault("_object_perm_cache", {})
    if key not in cache:
        cache[key] = frozenset(get_user_perms(user, obj)) | frozenset(get_group_perms(user, obj))
    return cache[key]


def has_perm(user: AnyUser, perm: str, obj: Model) -> bool:
    return perm in perms_on(user, obj)


def require(user: AnyUser, perm: str, obj: Model) -> None:
    """403 for an object in scope that the user may not act on."""
    if not has_perm(user, perm, obj):
        raise PermissionDenied("この操作を行う権限がありません。")


def objects_for(
    user: AnyUser,
    perms: str | list[str],
    klass: type[_M] | QuerySet[_M],
    *,
    any_perm: bool = False,
) -> QuerySet[_M]:
    """Objects of klass on which the user holds perms; model-wide grants never widen it."""
    if not _usable(user):
        model = klass.model if isinstance(klass, QuerySet) else klass
        return model._default_manager.none()
    if isinstance(klass, QuerySet) or (isinstance(perms, list) and len(perms) > 1 and not any_perm):
        # A restricted queryset, or all of several perms (guardian then reads the grants at
        # once, into a list of ids): built afresh, never kept.
        return _objects_for(user, perms, klass, any_perm)
    # Built once per request and kind: guardian's queryset costs more to build than to run,
    # and a page asks for the same scope several times. Each caller gets a clone (.all()): the
    # query runs when used and reads the grants as they are then, never a cached result.
    cache = user.__dict__.setdefault("_objects_for_cache", {})
    key = (tuple(perms) if isinstance(perms, list) else perms, klass._meta.label, any_perm)
    if key not in cache:
        cache[key] = _objects_for(user, perms, klass, any_perm)
    return cache[key].all()


def _objects_for(
    user: User, perms: str | list[str], klass: type[_M] | QuerySet[_M], any_perm: bool
) -> QuerySet[_M]:
    return get_objects_for_user(
        user,
        perms,
        klass,
        use_groups=True,
        any_perm=any_perm,
        with_superuser=False,
        accept_global_perms=False,
    )


def beats_for(user: AnyUser, perm: str = "view_beat_cards") -> QuerySet[Beat]:
    return objects_for(user, perm, Beat)


def stations_for(user: AnyUser, perm: str) -> QuerySet[Station]:
    return objects_for(user, perm, Station)


def _held(user: User) -> frozenset[tuple[str, str]]:
    return _grants(user).held


def object_ids(user: AnyUser, perm: str, klass: type[Model]) -> list[int]:
    """The ids of the objects of klass the user holds perm on, as a list: a filter the
    database plans from its values (card lists), with no permission subquery to build,
    compile or run on every request."""
    if not _usable(user):
        return []
    return _grants(user).ids.get((klass._meta.label, perm), [])


def holds_anywhere(user: AnyUser, perm: str, klass: type[Model]) -> bool:
    """Whether the user holds perm on any object of klass. Rows of the object-permission
    tables exist only for live objects and active appointments, so a row is the answer."""
    if not _usable(user):
        return False
    return (klass._meta.label, perm) in _held(user)


def has_hq_perm(user: AnyUser, perm: str) -> bool:
    return holds_anywhere(user, perm, Headquarters)


def can_manage_appointments(user: AnyUser) -> bool:
    return has_hq_perm(user, "manage_appointments")


def can_audit(user: AnyUser) -> bool:
    """HQ auditors: the access log, anomaly cases and change history (never card contents)."""
    return has_hq_perm(user, "audit_access")


def can_view_audit_report(user: AnyUser) -> bool:
    """The audit report: HQ auditors and the 統括管理責任者."""
    return can_audit(user) or has_hq_perm(user, "oversee_cards")


def may_review_anomaly(user: AnyUser, case: AnomalyCase) -> bool:
    """HQ auditors review every case; a break-the-glass case also its beat's 取扱責任者."""
    if can_audit(user):
        return True
    if case.kind != "break_glass" or case.beat_id is None:
        return False
    post_id = Beat.objects.filter(pk=case.beat_id).values_list("post_id", flat=True).first()
    return post_id is not None and has_perm(user, "supervise_post", Post(pk=post_id))


def may_list_anomaly_cases(user: AnyUser) -> bool:
    """HQ auditors, and the 取扱責任者 of a post (for its break-the-glass cases)."""
    return can_audit(user) or holds_anywhere(user, "supervise_post", Post)


def anomaly_beats_for(user: AnyUser) -> QuerySet[Beat]:
    """Beats whose break-the-glass cases this user reviews as their 取扱責任者."""
    posts = objects_for(user, "supervise_post", Post).values("pk")
    return Beat.objects.filter(post__in=posts)


def users_with_perm(obj: Model, perm: str) -> list[User]:
    """Active people holding perm on obj (directly or through a role group): whom to tell."""
    # guardian annotates its result as `Any | list[str]`; without attach_perms it is a
    # queryset of users.
    users = cast(
        "QuerySet[User]",
        get_users_with_perms(
            obj, with_group_users=True, only_with_perms_in=[perm], with_superusers=False
        ),
    )
    return [u for u in users if u.is_active]


def users_with_station_perm(station: Station, perm: str) -> list[User]:
    return users_with_perm(station, perm)


def users_with_post_perm_for_beat(beat_id: int | None, perm: str) -> list[User]:
    """E.g. the 取扱責任者 of the post a beat belongs to."""
    if beat_id is None:
        return []
    post = Post.objects.filter(beats=beat_id).first()
    return users_with_perm(post, perm) if post else []


def may_break_glass(user: AnyUser, station: Station) -> bool:
    return has_perm(user, "break_glass", station)


def may_submit_cards(user: AnyUser) -> bool:
    return holds_anywhere(user, "submit_cards", Station)


def in_community_department(user: AnyUser, station: Station) -> bool:
    """Whether one of the user's current appointments at the station is in a 地域課: staff
    elsewhere (生活安全課, 窓口 …) may make cards only for residents of the 管内 (第6-2(1)イ)."""
    return any(
        a.department is not None
        and a.department.is_community
        and a.department.station_id == station.pk
        for a in active_appointments(user)
    )


def remit_beats(user: AnyUser, station: Station | int | None = None) -> QuerySet[Beat]:
    """The beats within the user's remit for station duties (night approval, submitted
    cards, progress, guidance), of one station if given: a 地域課長等 appointed with his 地域課
    has that department's posts' beats; the 署長 and the 統括管理責任者 every beat they read;
    the 地域部長, who reads no card, every beat whose figures he reviews."""
    beats = objects_for(user, ["view_beat_cards", "review_beat_figures"], Beat, any_perm=True)
    if station is not None:
        station_id = station.pk if isinstance(station, Station) else station
        beats = beats.filter(post__station_id=station_id)
    return beats


def station_people_over(
    station: Station, perm: str, beat_ids: Iterable[int] | None = None
) -> list[User]:
    """Whom to tell: holders of a station duty (`perm`: assign_submitted_cards,
    approve_night_visits …), only those whose remit holds one of `beat_ids` when given (a
    地域課長等 of one 地域課 hears of his posts' beats only)."""
    people = users_with_station_perm(station, perm)
    if beat_ids is None:
        return people
    over: set[int] = set()
    for beat in Beat.objects.filter(pk__in=list(beat_ids)):
        over |= {u.pk for u in users_with_perm(beat, "view_beat_cards")}
    return [u for u in people if u.pk in over]


# --- Departments: whose inbox a user works (地域安全ネットワーク 3⑴ウ, 要領 第3-2(3)) ----------

# Roles of a post: their department is the post's 地域課.
_POST_ROLES = frozenset({Role.SUPERVISOR, Role.BEAT_OFFICER})


def _department_scope(user: AnyUser, *, heads_only: bool) -> QuerySet[Department]:
    ids: set[int] = set()
    whole_stations: set[int] = set()  # every department (the 署長)
    community_of: set[int] = set()  # the station's 地域課(s)
    for a in active_appointments(user):
        station = a.unit_station
        if station is None:
            continue
        if a.role == Role.STATION_MANAGER:
            whole_stations.add(station.pk)
        elif heads_only and a.role not in (Role.DEPARTMENT_HEAD, Role.CHIEF):
            continue
        elif a.department_id:
            ids.add(a.department_id)
        elif a.role == Role.CHIEF:
            community_of.add(station.pk)
        elif a.role in _POST_ROLES:
            if a.post is not None and a.post.department_id:
                ids.add(a.post.department_id)
            else:
                community_of.add(station.pk)
    if not (ids or whole_stations or community_of):
        return Department.objects.none()
    return Department.objects.filter(
        Q(pk__in=ids)
        | Q(station_id__in=whole_stations)
        | Q(station_id__in=community_of, kind=Department.Kind.COMMUNITY)
    )


def departments_for(user: AnyUser) -> QuerySet[Department]:
    """The station departments whose inbox the user works: the department his appointment
    names; for 地域課 roles that name none (a post's officers, the 地域課長 of a station with
    one 地域課) the 地域課 of his post or station; for the 署長 every department of his
    station. Nobody at HQ works a station's inbox."""
    return _department_scope(user, heads_only=False)


def departments_headed(user: AnyUser) -> QuerySet[Department]:
    """The departments whose overdue requests stand out to this user: his own as 課長 (the
    地域課長 for his 地域課), every department of his station as 署長."""
    return _department_scope(user, heads_only=True)


# --- Alert desks: a role at a unit (seeds 003・004) ------------------------------------


@dataclass(frozen=True)
class Desk:
    """One alert role held at one unit: a station, an HQ division, or HQ itself (the
    運用総括管理者). An alert step names a desk; whoever holds it may act there."""

    role: str
    station_id: int | None = None
    division_id: int | None = None
    headquarters_id: int | None = None


def alert_desks(user: AnyUser) -> frozenset[Desk]:
    """The desks a user holds now, from his active appointments (read once per request)."""
    desks = set()
    for appointment in active_appointments(user):
        if appointment.role in ALERT_ROLES:
            desks.add(
                Desk(
                    appointment.role,
                    station_id=appointment.station_id,
                    division_id=appointment.division_id,
                )
            )
        elif appointment.role == Role.ALERT_HQ_APPROVER:
            desks.add(Desk(appointment.role, headquarters_id=appointment.headquarters_id))
    return frozenset(desks)


def holds_desk(user: AnyUser, desk: Desk) -> bool:
    return desk in alert_desks(user)


def station_ids_headed(user: AnyUser) -> frozenset[int]:
    """Ids of the stations whose 所属長 the user is now: the 署長 (管理責任者), or the 運用管理者
    of あんしんメール appointed at the station (seed 004 3⑵ア: 所属長をもって充てる). Seed 003 6⑸:
    the 所属長 promotes the staff's subscription, and sees how many of them have subscribed.
    From the appointments read once per request: no query of its own (the menu asks)."""
    heads = (Role.STATION_MANAGER, Role.ALERT_APPROVER)
    return frozenset(
        a.station_id
        for a in active_appointments(user)
        if a.role in heads and a.station_id is not None and a.division_id is None
    )


def holders_of(desk: Desk) -> QuerySet[User]:
    """Who holds a desk now (to tell them an alert waits there)."""
    appointments = Appointment.objects.filter(
        role=desk.role, granted_at__isnull=False, revoked_at__isnull=True
    )
    if desk.headquarters_id:
        appointments = appointments.filter(headquarters_id=desk.headquarters_id)
    else:
        appointments = appointments.filter(
            Q(station_id=desk.station_id) if desk.station_id else Q(station__isnull=True),
            Q(division_id=desk.division_id) if desk.division_id else Q(division__isnull=True),
        )
    return User.objects.filter(is_active=True, appointments__in=appointments).distinct()


# --- Roles, for display, sign-in rules and the access log -----------------------------------


def active_appointments(user: AnyUser) -> list[Appointment]:
    if not _usable(user):
        return []
    return _grants(user).appointments


def active_roles(user: AnyUser) -> set[str]:
    return {a.role for a in active_appointments(user)}


def acting_role(user: AnyUser) -> str:
    """The roles a user acted in, as recorded on access events (e.g. 'chief,supervisor')."""
    return ",".join(sorted(active_roles(user)))


def home_station(user: AnyUser) -> Station | None:
    """The station of the user's first station-level appointment, for the access log."""
    for appointment in active_appointments(user):
        station = appointment.unit_station
        if station is not None:
            return station
    return None


def requires_two_factor(user: AnyUser, *, required_for_all: bool) -> bool:
    if not _usable(user):
        return False
    if required_for_all:
        return True
    return bool(active_roles(user) & HQ_ROLES)
