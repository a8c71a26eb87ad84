"""What the HQ audit (accounts.audit) may know of the network's objects: ids and labels,
never a member's name or contact; and, for the change history, who may see the values (those
who read the roster of the member's station). Registered from NetworkConfig.ready()."""

from __future__ import annotations

from accounts import permissions
from accounts.audit.registry import AuditedKind, HistorySource, register_history, register_kind
from accounts.inputs import parse_ids
from accounts.models import Station
from accounts.utils import dates, text
from accounts.utils.names import fold_name
from network.exchanges.models import Exchange
from network.meetings.models import SafetyMeeting
from network.members import policy
from network.members.models import CommunityGroup, LiaisonMember
from network.requests.models import DepartmentRequest

MEMBER = "network.liaisonmember"
ROSTER = "network.roster"  # a list, export or print of one station's roster
NAME_MATCH_LIMIT = 200


def member_ids_for_name(name: str) -> list[str]:
    """The members whose folded name or フリガナ contains the name, as ids only."""
    folded = fold_name(name)
    if not folded:
        return []
    ids = (
        LiaisonMember.objects.filter(search_key__contains=folded)
        .order_by("pk")
        .values_list("pk", flat=True)[:NAME_MATCH_LIMIT]
    )
    return [str(pk) for pk in ids]


def member_labels(ids: list[str]) -> dict[str, str]:
    """「連絡員 No.12（中央警察署）」: where, not who."""
    rows = LiaisonMember.objects.filter(pk__in=parse_ids(ids)).values_list("pk", "station__name")
    return {str(pk): f"連絡員 No.{pk}（{station}）" for pk, station in rows}


def member_containers(member_id: str) -> list[tuple[str, str]]:
    """An export of the member's station roster carried the member too."""
    row = LiaisonMember.objects.filter(pk__in=parse_ids([member_id])).values_list(
        "station_id", flat=True
    )
    return [(ROSTER, str(station_id)) for station_id in row[:1]]


def roster_labels(ids: list[str]) -> dict[str, str]:
    rows = Station.objects.filter(pk__in=parse_ids(ids)).values_list("pk", "name")
    return {str(pk): f"連絡員一覧表（{name}）" for pk, name in rows}


def exchange_labels(ids: list[str]) -> dict[str, str]:
    """「情報交換 No.5（中央警察署 2026年12月2日、連絡員 No.12）」: which contact, not what."""
    rows = Exchange.objects.filter(pk__in=parse_ids(ids)).values_list(
        "pk", "station__name", "held_on", "member_id"
    )
    return {
        str(pk): f"情報交換 No.{pk}（{station} {dates.date_ja(on)}、連絡員 No.{member}）"
        for pk, station, on, member in rows
    }


def exchange_containers(exchange_id: str) -> list[tuple[str, str]]:
    """An exchange is read on its member's page too."""
    rows = Exchange.objects.filter(pk__in=parse_ids([exchange_id])).values_list(
        "member_id", flat=True
    )
    return [(MEMBER, str(member)) for member in rows[:1]]


def meeting_labels(ids: list[str]) -> dict[str, str]:
    rows = SafetyMeeting.objects.filter(pk__in=parse_ids(ids)).values_list(
        "pk", "station__name", "held_on"
    )
    return {
        str(pk): f"地域安全の会 No.{pk}（{station} {dates.date_ja(on)}）"
        for pk, station, on in rows
    }


def request_labels(ids: list[str]) -> dict[str, str]:
    rows = DepartmentRequest.objects.filter(pk__in=parse_ids(ids)).values_list(
        "pk", "station__name", "department__name"
    )
    return {str(pk): f"連絡員からの要望 No.{pk}（{s} {d}）" for pk, s, d in rows}


def member_values_visible(user, ids: list[int]) -> set[int]:
    """A member's values for those who read the roster of his station (its departments)."""
    stations = permissions.stations_for(user, policy.VIEW).values("pk")
    rows = LiaisonMember.history.filter(id__in=ids, station_id__in=stations)
    return set(rows.order_by().values_list("id", flat=True).distinct())


def group_values_visible(user, ids: list[int]) -> set[int]:
    """A community group holds no one's personal data: auditors see its values."""
    return set(ids)


def register() -> None:
    register_kind(
        AuditedKind(
            object_type=MEMBER,
            label="地域安全連絡員",
            resolve_name=member_ids_for_name,
            describe=member_labels,
            containers=member_containers,
        )
    )
    register_kind(AuditedKind(object_type=ROSTER, label="連絡員一覧表", describe=roster_labels))
    register_kind(
        AuditedKind(
            object_type="network.exchange",
            label="情報交換",
            describe=exchange_labels,
            containers=exchange_containers,
        )
    )
    register_kind(
        AuditedKind(
            object_type="network.safetymeeting", label="地域安全の会", describe=meeting_labels
        )
    )
    register_kind(
        AuditedKind(
            object_type="network.departmentrequest",
            label="連絡員からの要望",
            describe=request_labels,
        )
    )
    register_history(
        HistorySource(
            key="liaison_member",
            label="地域安全連絡員",
            model=LiaisonMember,
            object_type=MEMBER,
            values_visible=member_values_visible,
            hidden_fields=frozenset({"station", "created_at", "version"}),
            formats={"postal_code": text.postal_display},
        )
    )
    register_history(
        HistorySource(
            key="community_group",
            label="団体",
            model=CommunityGroup,
            object_type="network.communitygroup",
            values_visible=group_values_visible,
        )
    )
