"""Writes of the audit that carry a rule: recording a verification of the access log
(access_log_verify), storing and announcing the anomaly cases the rules find for a day
(anomalies_detect), and one step of a case's review (anomaly_case_review). `auditors` says
whom the audit tells.

The rules that find anomalies are accounts.audit.anomalies; the review's table is
accounts.audit.cases.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .. import permissions
from ..exceptions import PermissionDenied, TransitionError
from ..models import AccessLogCheck, AnomalyCase, AnomalyReview, Headquarters, User
from ..services import notice_send
from ..utils import dates
from . import chain
from .anomalies import RULES, Finding
from .cases import MOVES, NOTE_REQUIRED, Status

logger = logging.getLogger(__name__)

BROKEN_TITLE = "閲覧記録の改ざん検知で異常が見つかりました"
Kind = AnomalyCase.Kind


def auditors() -> list[User]:
    """Everyone holding audit_access at some headquarters: whom the audit tells."""
    people: dict[int, User] = {}
    for hq in Headquarters.objects.all():
        for user in permissions.users_with_perm(hq, "audit_access"):
            people[user.pk] = user
    return list(people.values())


# --- 改ざん検知 --------------------------------------------------------------------------------


def access_log_verify(
    *, actor: User | None, day: dt.date | None = None, notify: bool = True
) -> AccessLogCheck:
    """Walk the chains (all of them, or the positions of one day's events), keep the result
    and, when a link is broken, tell HQ auditors: a title and a link, nothing else."""
    result = chain.verify_day(day) if day else chain.verify()
    first = result.first
    scope = f"{dates.date_ja(day)}の記録" if day else "全記録"
    check = AccessLogCheck.objects.create(
        ok=result.ok,
        checked=result.checked,
        broken_chain=first.chain if first else None,
        broken_seq=first.seq if first else None,
        broken_event_id=first.event_id if first else None,
        message=(
            f"{scope}：{result.checked}件を検証し、異常はありません。"
            if first is None
            else f"{scope}：最初の異常は{first.describe()}"
        )[:300],
    )
    if first is not None:
        logger.error("access log chain broken: %s", first.describe())
        if notify:
            notice_send(
                recipients=auditors(), title=BROKEN_TITLE, url=reverse("accounts:audit_integrity")
            )
    return check


# --- Detection ---------------------------------------------------------------------------------


def _new_cases(day: dt.date, findings: Iterable[Finding]) -> list[AnomalyCase]:
    """Store the findings that are not cases yet; return the cases this run created.

    The unique constraint (kind, subject, day, key) keeps a concurrent run from storing a
    finding twice (ignore_conflicts); this run's cases are those with its found_at.
    """
    existing = set(AnomalyCase.objects.filter(day=day).values_list("kind", "subject_id", "key"))
    found_at = timezone.now()
    fresh = [
        AnomalyCase(
            kind=f.kind,
            subject_id=f.subject_id,
            station_id=f.station_id,
            beat_id=f.beat_id,
            day=day,
            key=f.key,
            summary=f.summary[:300],
            figures=f.figures,
            event_ids=f.event_ids,
            found_at=found_at,
        )
        for f in findings
        if (f.kind, f.subject_id, f.key) not in existing
    ]
    if not fresh:
        return []
    AnomalyCase.objects.bulk_create(fresh, ignore_conflicts=True)
    return list(AnomalyCase.objects.filter(day=day, found_at=found_at).order_by("pk"))


def _notify(day: dt.date, cases: list[AnomalyCase]) -> None:
    """HQ auditors once per run; each beat's 取扱責任者 for a new break-the-glass case.
    A title and a link: no officer, no card, no resident."""
    when = dates.date_ja(day, year=False)
    notice_send(
        recipients=auditors(),
        title=f"要確認事案が{len(cases)}件見つかりました（{when}の閲覧記録）",
        url=f"{reverse('accounts:audit_case_list')}?status={AnomalyCase.Status.OPEN}",
    )
    for case in cases:
        if case.kind != Kind.BREAK_GLASS or case.beat_id is None:
            continue
        supervisors = permissions.users_with_post_perm_for_beat(case.beat_id, "supervise_post")
        notice_send(
            recipients=[u for u in supervisors if u.pk != case.subject_id],
            title=f"担当の受持区の緊急閲覧（{when}）について確認をお願いします",
            url=reverse("accounts:audit_case_detail", kwargs={"pk": case.pk}),
        )


@transaction.atomic
def anomalies_detect(*, actor: User | None, day: dt.date) -> dict[str, int]:
    """Run every rule for `day` (Tokyo); store and announce the new cases. Returns the
    number of NEW cases per kind (every kind present, zero included).

    actor None: the daily task or the command. A person must be an HQ auditor.
    """
    if actor is not None and not permissions.can_audit(actor):
        raise PermissionDenied("要確認事案の検出は本部の監査担当者のみが行えます。")
    findings = [finding for rule in RULES for finding in rule(day)]
    cases = _new_cases(day, findings)
    counts = dict.fromkeys(Kind.values, 0)
    for case in cases:
        counts[case.kind] += 1
    if cases:
        _notify(day, cases)
    return counts


# --- Review ------------------------------------------------------------------------------------


def _reviewers_to_tell(case: AnomalyCase, actor: User) -> list[User]:
    return [u for u in auditors() if u.pk not in (actor.pk, case.subject_id)]


@transaction.atomic
def anomaly_case_review(
    *, actor: User, case: AnomalyCase, to_status: str, note: str
) -> AnomalyCase:
    """One step of the review, with its note; kept as an AnomalyReview row.

    The case is re-read with select_for_update; a move not in cases.MOVES is refused with a
    TransitionError naming both states. HQ auditors review every case; a break-the-glass
    case also its beat's 取扱責任者 (permissions.may_review_anomaly); nobody his own. An
    escalation (上申) made by a 取扱責任者 is told to HQ auditors (a title and a link).
    """
    fresh = AnomalyCase.objects.select_for_update().get(pk=case.pk)
    if not permissions.may_review_anomaly(actor, fresh):
        raise PermissionDenied("この事案を確認する権限がありません。")
    if fresh.subject_id == actor.pk:
        raise PermissionDenied("自分が対象の事案は確認できません。")
    if to_status not in Status.values:
        raise TransitionError("変更後の状態を選んでください。")
    if to_status not in MOVES[fresh.status]:
        raise TransitionError(
            f"「{fresh.get_status_display()}」の事案を「{Status(to_status).label}」にはできません。"
        )
    note = note.strip()
    if not note:
        raise ValidationError({"note": NOTE_REQUIRED[to_status]})
    now = timezone.now()
    review = AnomalyReview(
        case=fresh,
        reviewer=actor,
        reviewed_at=now,
        from_status=fresh.status,
        to_status=to_status,
        note=note,
    )
    review.full_clean()
    review.save()
    fresh.status = to_status
    fresh.reviewed_at = now
    fresh.save(update_fields=["status", "reviewed_at"])
    if to_status == Status.ESCALATED and not permissions.can_audit(actor):
        notice_send(
            recipients=_reviewers_to_tell(fresh, actor),
            title="緊急閲覧の事案が取扱責任者から上申されました",
            url=reverse("accounts:audit_case_detail", kwargs={"pk": fresh.pk}),
        )
    return fresh
