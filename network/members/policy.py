"""Who may do what in the roster (seed 001 2⑶・⑷, 3⑴, 4⑵), and which steps a member's
state allows. Every department of a station reads the roster and reports candidates;
署地域課 keeps it (asks, records consent, refusal, withdrawal, edits); nobody reaches
another station's members. Views, buttons and services ask here."""

from __future__ import annotations

from accounts import permissions
from accounts.exceptions import PermissionDenied
from accounts.models import Station, User
from network.members.models import LiaisonMember, MemberStatus

VIEW = "view_member_roster"
REPORT = "report_member_candidates"
KEEP = "keep_member_roster"
RECORD_EXCHANGE = "record_exchanges"

# The transition table: which step each state allows (DESIGN.md, Workflows).
TRANSITIONS: dict[str, dict[str, str]] = {
    # step -> {from state: to state}
    "ask": {
        MemberStatus.CANDIDATE: MemberStatus.ASKED,
        # 4⑵: asked again only with a new reason (the service demands it).
        MemberStatus.DECLINED: MemberStatus.ASKED,
        MemberStatus.WITHDRAWN: MemberStatus.ASKED,
    },
    "consent": {
        MemberStatus.ASKED: MemberStatus.ACTIVE,
        MemberStatus.CANDIDATE: MemberStatus.ACTIVE,
    },
    "decline": {
        MemberStatus.ASKED: MemberStatus.DECLINED,
        MemberStatus.CANDIDATE: MemberStatus.DECLINED,
    },
    "withdraw": {MemberStatus.ACTIVE: MemberStatus.WITHDRAWN},
    "edit": {s: s for s in (MemberStatus.CANDIDATE, MemberStatus.ASKED, MemberStatus.ACTIVE)},
}
# Steps that ask someone who once said no: a new reason is required (4⑵ 無理強いしない).
NEEDS_NEW_REASON = {("ask", MemberStatus.DECLINED), ("ask", MemberStatus.WITHDRAWN)}
# The buttons and the refusals name each step so.
STEP_LABELS = {
    "ask": "依頼",
    "consent": "承諾",
    "decline": "辞退",
    "withdraw": "退任",
    "edit": "記録の変更",
}


def may_view_roster(user: User, station: Station | None = None) -> bool:
    if station is None:
        return permissions.holds_anywhere(user, VIEW, Station)
    return permissions.has_perm(user, VIEW, station)


def may_report(user: User, station: Station | None = None) -> bool:
    if station is None:
        return permissions.holds_anywhere(user, REPORT, Station)
    return permissions.has_perm(user, REPORT, station)


def may_keep_somewhere(user: User) -> bool:
    return permissions.holds_anywhere(user, KEEP, Station)


def may_keep(user: User, station: Station) -> bool:
    return permissions.has_perm(user, KEEP, station)


def member_actions(user: User, member: LiaisonMember) -> list[str]:
    """The steps this user may take on this member now (the buttons)."""
    if member.personal_data_removed_at is not None or not may_keep(user, member.station):
        return []
    return [step for step, table in TRANSITIONS.items() if member.status in table]


def needs_new_reason(member: LiaisonMember) -> bool:
    """Whether asking this person again needs a new reason (4⑵: declined or withdrawn)."""
    return ("ask", member.status) in NEEDS_NEW_REASON


def may_list_roster(user: User) -> bool:
    """The roster pages (list, export, print, groups): staff of a station only. HQ's
    review_network is the figures (the overview), never the names."""
    return may_view_roster(user)


def roster_require(user: User) -> None:
    if not may_list_roster(user):
        raise PermissionDenied("連絡員一覧表は、警察署の職員（その署の各課）が見るページです。")


def member_step_check(user: User, member: LiaisonMember, step: str) -> str:
    """The state the step leads to; refuses a step the user may not take (403) — the
    service refuses a step the state does not allow."""
    if not may_keep(user, member.station):
        raise PermissionDenied(
            "連絡員一覧表は署地域課が管理します。この操作を行う権限がありません。"
        )
    return TRANSITIONS[step].get(member.status, "")
