"""Who may record a visit on which card, and who acknowledges visits outside hours
(要領 第5): a visit is recorded on a filed card by an officer who visits its beat
(`record_visits` on the book's beat); a visit outside hours is acknowledged by a 地域課長等
(`approve_night_visits`). The views and the services ask here."""

from __future__ import annotations

from accounts import permissions
from accounts.exceptions import PermissionDenied, TransitionError
from accounts.models import Beat, Station, User
from liaison.cards.models import CardStatus, LiaisonCard
from liaison.visits.inbox import follow_up_departments
from liaison.visits.models import Visit

RECORD_PERMISSION = "record_visits"
ACKNOWLEDGE_PERMISSION = "approve_night_visits"


def visit_record_require(user: User, card: LiaisonCard) -> None:
    """A card he sees but whose beat he does not visit (a supervisor, the chief): 403."""
    if card.book_id is None or not permissions.has_perm(
        user, RECORD_PERMISSION, Beat(pk=card.book_id)
    ):
        raise PermissionDenied("この受持区の巡回連絡を記録する権限がありません。")


def visit_record_check(user: User, card: LiaisonCard) -> None:
    """A visit is recorded on a filed card only, by an officer of its beat."""
    if card.status != CardStatus.FILED or card.book_id is None:
        raise TransitionError(f"{card.get_status_display()}のカードには巡回連絡を記録できません。")
    if not permissions.has_perm(user, RECORD_PERMISSION, Beat(pk=card.book_id)):
        raise PermissionDenied("この受持区の巡回連絡を記録する権限がありません。")


def hours_acknowledge_require(user: User) -> None:
    if not permissions.holds_anywhere(user, ACKNOWLEDGE_PERMISSION, Station):
        raise PermissionDenied("時間外の巡回連絡は、夜間巡回連絡を承認する地域課長等が確認します。")


def follow_up_close_require(user: User, visit: Visit, *, by_department: bool = False) -> None:
    """Who closes a visit's follow-up: on the visit's page, an officer who writes the beat's
    cards; from the department inbox (by_department), the staff of the department it names
    at the visit's station (and the 署長), who never see the card."""
    if by_department:
        if not follow_up_departments(user, visit):
            raise PermissionDenied("この課の対応事項を対応済みにする権限がありません。")
        return
    if not may_close_follow_up(user, visit):
        raise PermissionDenied("この受持区の対応状況を変更する権限がありません。")


def may_close_follow_up(user: User, visit: Visit) -> bool:
    """On the visit's page: an officer who visits or writes the beat's cards."""
    beat = Beat(pk=visit.book_id)
    return permissions.has_perm(user, RECORD_PERMISSION, beat) or permissions.has_perm(
        user, "change_beat_cards", beat
    )
