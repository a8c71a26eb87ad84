"""Granting: which permissions each role holds on which objects (ROLE_GRANTS), and the
role groups and direct grants that carry them. Called by accounts.services only, when an
appointment or a beat assignment starts or ends, and when the organisation changes.
"""

from __future__ import annotations

import itertools
import uuid
from collections import defaultdict

from django.contrib.auth.models import Group
from django.db.models import Model, Q, QuerySet
from guardian.shortcuts import assign_perm, remove_perm

from ..models import (
    Beat,
    BeatGroupObjectPermission,
    Department,
    Headquarters,
    HeadquartersGroupObjectPermission,
    Post,
    PostGroupObjectPermission,
    Role,
    RoleGroup,
    Station,
    StationGroupObjectPermission,
    User,
)

# The units an appointment or a role group is held in.
Unit = Headquarters | Station | Post
# The models guardian guards here with direct foreign-key tables.
Guarded = Headquarters | Station | Post | Beat

BEAT_READ = ["view_beat_cards"]
BEAT_PRINT = ["view_beat_cards", "export_beat_cards", "print_beat_cards"]
BEAT_WRITE = ["view_beat_cards", "change_beat_cards", "export_beat_cards", "print_beat_cards"]

# 地域安全ネットワーク: what every department of a station does (2⑶・⑷, 3⑴イ).
NETWORK_STATION = ["view_member_roster", "report_member_candidates", "record_exchanges"]
# 署地域課 keeps the roster: asks, records consent, refusal and withdrawal (2⑷, 3⑴ア).
NETWORK_KEEPER = [*NETWORK_STATION, "keep_member_roster"]

# What each role may do, by the kind of object it is granted on. "beats" means every beat
# under the appointment's unit; "station" the unit's station (for a post, its station).
# This is the starting policy of DESIGN.md; narrowing it is a change here and nowhere else.
ROLE_GRANTS: dict[str, dict[str, list[str]]] = {
    # 統括管理責任者 (要領 第6-5(1)): oversees cards; reads the visit policy, sets it no more.
    Role.OVERALL_MANAGER: {
        "headquarters": ["oversee_cards", "manage_appointments", "publish_bulletins"],
        "stations": ["review_progress", "review_network"],
        # HQ keeps the beats' areas (管内) with the 地域課長等.
        "beats": [*BEAT_READ, "set_beat_area"],
    },
    # 地域部長 (第5-2): sets the visit frequency and reviews the figures; reads no card.
    Role.REGIONAL_DIRECTOR: {
        "headquarters": ["set_visit_policy", "publish_bulletins"],
        "stations": ["review_progress", "review_network"],
        # Figures per beat, no card: his remit for the progress pages.
        "beats": ["review_beat_figures"],
    },
    Role.AUDITOR: {"headquarters": ["audit_access"]},
    Role.ALERT_HQ_APPROVER: {"headquarters": ["approve_prefecture_alerts"]},
    Role.STATION_MANAGER: {
        # 第5-1: 「警察署長が特に指示した場合を除き」: the 署長 instructs exceptions; 要領 第3-2(4):
        # the 署長 gives 適切な評価及び賞揚.
        "station": [
            "review_progress",
            "set_dedicated_days",
            "break_glass",
            "instruct_visits",
            "evaluate_officers",
            *NETWORK_STATION,
            "hold_safety_meetings",
            "publish_bulletins",
        ],
        "beats": BEAT_PRINT,
    },
    # Appointed with his 地域課, a 管理主任者's "beats" are that department's posts' beats only
    # (and those of posts that name no 地域課); his station duties follow those beats.
    Role.CHIEF: {
        "station": [
            "approve_night_visits",
            "review_progress",
            "assign_submitted_cards",
            "set_dedicated_days",
            "break_glass",
            # 要領 第3-2(4): the 地域課長等 give each beat officer 具体的な指導.
            "guide_officers",
            *NETWORK_KEEPER,
            "hold_safety_meetings",
            "publish_bulletins",
        ],
        "beats": [*BEAT_WRITE, "set_beat_area"],
    },
    # 交番速報 is the post's own bulletin (地域安全ネットワーク 3⑴ア).
    Role.SUPERVISOR: {
        "post": ["supervise_post"],
        "station": ["break_glass", *NETWORK_KEEPER, "publish_bulletins"],
        "beats": BEAT_WRITE,
    },
    # A beat officer's beats come from BeatAssignment (ASSIGNMENT_GRANTS), not the post.
    Role.BEAT_OFFICER: {"station": ["break_glass", *NETWORK_KEEPER]},
    Role.STAFF: {"station": ["submit_cards", "break_glass", *NETWORK_STATION]},
    Role.DEPARTMENT_HEAD: {"station": ["submit_cards", "break_glass", *NETWORK_STATION]},
    # The other alert roles carry no object grants: an alert step is a role at a unit
    # (a station or an HQ division), answered from the appointments (permissions.alert_desks).
}

ASSIGNMENT_GRANTS = ["view_beat_cards", "change_beat_cards", "print_beat_cards", "record_visits"]

# Roles whose group is per department when the appointment names one (要領 第3-2(4): each
# 地域課長等 over the posts of his own 地域課).
DEPARTMENT_ROLES = frozenset({Role.CHIEF})

# guardian's direct foreign-key group tables, by the model they guard.
_GROUP_TABLES: dict[
    type[Guarded],
    type[
        HeadquartersGroupObjectPermission
        | StationGroupObjectPermission
        | PostGroupObjectPermission
        | BeatGroupObjectPermission
    ],
] = {
    Headquarters: HeadquartersGroupObjectPermission,
    Station: StationGroupObjectPermission,
    Post: PostGroupObjectPermission,
    Beat: BeatGroupObjectPermission,
}


# --- Granting (called by accounts.services only) ----------------------------------------


def _beats_under(unit: Unit, department_id: int | None = None) -> QuerySet[Beat]:
    if isinstance(unit, Headquarters):
        beats = Beat.objects.filter(post__station__headquarters=unit)
    elif isinstance(unit, Station):
        beats = Beat.objects.filter(post__station=unit)
    else:
        beats = Beat.objects.filter(post=unit)
    if department_id is not None:
        # His 地域課's posts, and posts that name none (the station's one 地域課 of old).
        beats = beats.filter(Q(post__department=department_id) | Q(post__department__isnull=True))
    return beats


def _grant_targets(
    role: str, unit: Unit, department_id: int | None = None
) -> list[tuple[str, QuerySet | Model]]:
    grants = ROLE_GRANTS.get(role, {})
    targets: list[tuple[str, QuerySet | Model]] = []
    for kind, perms in grants.items():
        if kind == "headquarters":
            objs: QuerySet | Model = unit
        elif kind == "stations":
            # Granted at HQ only: the stations under it.
            objs = Station.objects.filter(headquarters=unit)  # type: ignore[misc]
        elif kind == "station":
            # Station duties are held at a station or a post, never at HQ.
            objs = unit if isinstance(unit, Station) else unit.station  # type: ignore[union-attr]
        elif kind == "post":
            objs = unit
        else:
            objs = _beats_under(unit, department_id)
        targets.extend((perm, objs) for perm in perms)
    return targets


def group_department(role: str, department: Department | None) -> Department | None:
    """The department a role's group is keyed by: only roles narrowed by it keep one."""
    return department if role in DEPARTMENT_ROLES else None


def role_group_for(role: str, unit: Unit, department: Department | None = None) -> Group:
    """The group carrying `role` on `unit` (and, for a 管理主任者, his 地域課), created and
    granted on first use."""
    level_field = {Headquarters: "headquarters", Station: "station", Post: "post"}[type(unit)]
    department = group_department(role, department)
    role_group = (
        RoleGroup.objects.select_related("group")
        .filter(role=role, department=department, **{level_field: unit})
        .first()
    )
    if role_group is None:
        suffix = f"/department:{department.pk}" if department else ""
        group = Group.objects.create(name=f"{role}@{level_field}:{unit.pk}{suffix}")
        role_group = RoleGroup.objects.create(
            group=group, role=role, department=department, **{level_field: unit}
        )
        role_group_sync(role_group)
    return role_group.group


def role_group_sync(role_group: RoleGroup) -> None:
    """Make the group's grants exactly what its role carries on its unit: missing ones
    added, any beyond it removed (a post moved to another 地域課, a narrowed policy).
    Idempotent; a few queries per guarded model."""
    wanted: dict[type[Model], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for perm, objs in _grant_targets(role_group.role, role_group.unit, role_group.department_id):
        if isinstance(objs, QuerySet):
            wanted[objs.model][perm].update(objs.values_list("pk", flat=True))
        else:
            wanted[type(objs)][perm].add(objs.pk)
    group = role_group.group
    for model, table in _GROUP_TABLES.items():
        have: dict[str, set[int]] = defaultdict(set)
        rows = table.objects.filter(group=group).values_list(
            "permission__codename", "content_object_id"
        )
        for codename, pk in rows:
            have[codename].add(pk)
        want = wanted.get(model, {})
        for perm in set(have) | set(want):
            extra = have[perm] - want.get(perm, set())
            if extra:
                table.objects.filter(
                    group=group, permission__codename=perm, content_object_id__in=extra
                ).delete()
            missing = want.get(perm, set()) - have[perm]
            if missing:
                # guardian annotates obj as `Model | None`; it takes a queryset (its docstring).
                to_grant = model.objects.filter(pk__in=missing)
                assign_perm(perm, group, to_grant)  # type: ignore[arg-type]
    grants_changed(User.objects.filter(groups=group))


def role_groups_sync_for_beat(beat: Beat) -> None:
    """A new beat joins the scope of every role group above it (a 管理主任者's only when
    the beat's post is of his 地域課 or of none)."""
    post = beat.post
    groups = (
        RoleGroup.objects.filter(post=post)
        | RoleGroup.objects.filter(station=post.station_id)
        | RoleGroup.objects.filter(headquarters=post.station.headquarters_id)
    )
    for role_group in groups.select_related("group", "headquarters", "station", "post"):
        perms = ROLE_GRANTS.get(role_group.role, {}).get("beats", [])
        under = _beats_under(role_group.unit, role_group.department_id)
        if perms and under.filter(pk=beat.pk).exists():
            for perm in perms:
                assign_perm(perm, role_group.group, beat)
            grants_changed(User.objects.filter(groups=role_group.group))


def role_groups_sync_station(station: Station) -> None:
    """After a post changed 地域課: every role group of the station, made exact."""
    groups = RoleGroup.objects.filter(station=station) | RoleGroup.objects.filter(
        post__station=station
    )
    for role_group in groups.select_related("group", "headquarters", "station", "post"):
        role_group_sync(role_group)


def role_groups_sync_all() -> int:
    """Every role group made exact: after a migration added permissions or changed what a
    role carries (the grants exist only as rows, so nothing else would add them)."""
    count = 0
    for role_group in RoleGroup.objects.select_related(
        "group", "headquarters", "station", "post"
    ).iterator():
        role_group_sync(role_group)
        count += 1
    return count


def grant_assignment(user: User, beat: Beat) -> None:
    for perm in ASSIGNMENT_GRANTS:
        assign_perm(perm, user, beat)
    grants_changed(user)


def revoke_assignment(user: User, beat: Beat) -> None:
    for perm in ASSIGNMENT_GRANTS:
        remove_perm(perm, user, beat)
    grants_changed(user)


# How many times grants_changed ran in this process: a user object read before a change here
# checks its stamp again (accounts.permissions._grants), since a queryset's update cannot
# reach the objects already in memory (the request's user, a task's).
_changes = itertools.count(1)
changes_seen = 0


def grants_changed(users: User | QuerySet[User]) -> None:
    """What these users hold has changed (an appointment or beat granted or ended, their role
    group's grants remade): give them a new stamp, so that no cached answer is used again.
    Called by the code that changes the grants, in the same transaction."""
    global changes_seen
    changes_seen = next(_changes)
    stamp = uuid.uuid4()
    if isinstance(users, User):
        # Excluded from the user's history (a stamp is not a change of the person).
        User.objects.filter(pk=users.pk).update(grants_stamp=stamp)
        users.grants_stamp = stamp
        for name in ("_grants", "_object_perm_cache", "_objects_for_cache"):
            users.__dict__.pop(name, None)
    else:
        users.update(grants_stamp=stamp)
