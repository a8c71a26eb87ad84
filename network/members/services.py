"""Writes on the roster (seed 001 2⑶・⑷, 4⑵): community groups, a candidate reported by
any department, the 署地域課's ask, the answer (consent with its date, or declined), a
withdrawal at any time, and an edit with a version check. Keyword-only, the acting user
first, one transaction each; every step leaves a MemberStep row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import PermissionDenied, StaleEditError, TransitionError
from accounts.models import AccessEvent, Beat, Department, Station, User
from accounts.services import access_event_record
from accounts.utils import dates, text
from accounts.utils.history import history_save
from accounts.utils.names import fold_name
from network.members import policy
from network.members.keys import duplicates_of, refresh_keys
from network.members.models import (
    Channel,
    CommunityGroup,
    ConcurrentPost,
    FoundOccasion,
    GroupKind,
    GroupMembership,
    LiaisonMember,
    MemberPost,
    MemberStatus,
    MemberStep,
    StepKind,
)

OBJECT = "network.liaisonmember"
# A list, search, export or print of a station's roster: the station's roster is the object,
# so that the audit finds a member's name carried by an export of his station's roster
# (network.audit.member_containers).
ROSTER = "network.roster"


# --- Checks --------------------------------------------------------------------------------
def _not_future(day: dt.date | None, field: str, label: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: f"{label}に未来の日付は入力できません。"})


def _in_station(
    station: Station,
    *,
    groups: Iterable[CommunityGroup] = (),
    beats: Iterable[Beat] = (),
    departments: Iterable[Department | None] = (),
) -> None:
    if any(g.station_id != station.pk for g in groups):
        raise ValidationError({"groups": "この警察署の団体を選んでください。"})
    if beats:
        ids = {b.pk for b in beats}
        found = Beat.objects.filter(pk__in=ids, post__station=station).count()
        if found != len(ids):
            raise ValidationError({"beats": "この警察署の受持区を選んでください。"})
    if any(d is not None and d.station_id != station.pk for d in departments):
        raise ValidationError({"found_department": "この警察署の課を選んでください。"})


def _not_before(
    day: dt.date, earlier: dt.date | None, field: str, label: str, earlier_label: str
) -> None:
    if earlier and day < earlier:
        raise ValidationError(
            {
                field: f"{label}は{earlier_label}（{dates.date_ja(earlier)}）"
                "以降の日付を入力してください。"
            }
        )


def _enter(
    member: LiaisonMember,
    target: str,
    kind: str,
    *,
    actor: User,
    on: dt.date,
    reason: str,
    label: str,
) -> LiaisonMember:
    """The member enters `target`: saved with who and why, and the step recorded with the
    actor's department."""
    member.status = target
    _save(member, actor=actor, reason=label)
    _step(
        member,
        kind,
        actor=actor,
        on=on,
        reason=reason,
        department=_actor_department(actor, member.station),
    )
    return member


def _keep_require(actor: User, station: Station) -> None:
    if not policy.may_keep(actor, station):
        raise PermissionDenied(
            "連絡員一覧表は署地域課が管理します。この操作を行う権限がありません。"
        )


def _step(
    member: LiaisonMember,
    kind: str,
    *,
    actor: User,
    on: dt.date,
    reason: str = "",
    department: Department | None = None,
) -> MemberStep:
    step = MemberStep(
        member=member, kind=kind, on=on, by=actor, department=department, reason=reason.strip()
    )
    step.full_clean()
    step.save()
    return step


def _actor_department(actor: User, station: Station) -> Department | None:
    """The department the actor works in at this station, if his appointment names one."""
    return permissions.departments_for(actor).filter(station=station).order_by("pk").first()


def _save(member: LiaisonMember, *, actor: User, reason: str) -> None:
    refresh_keys(member)
    if member.pk:
        member.version += 1
    history_save(member, actor=actor, reason=reason)


def _set_details(
    member: LiaisonMember,
    *,
    groups: Sequence[tuple[CommunityGroup, str]],
    posts: Sequence[str],
    beats: Sequence[Beat],
) -> None:
    member.memberships.all().delete()
    seen: set[int] = set()
    for group, post in groups:
        if group.pk in seen:
            raise ValidationError({"groups": f"団体「{group.name}」が二度選ばれています。"})
        seen.add(group.pk)
        GroupMembership.objects.create(member=member, group=group, post=post.strip()[:40])
    if set(posts) - set(ConcurrentPost.values):
        raise ValidationError({"posts": "兼任を一覧から選んでください。"})
    member.posts.exclude(kind__in=posts).delete()
    for kind in posts:
        MemberPost.objects.get_or_create(member=member, kind=kind)
    member.beats.set(beats)


def _locked(member: LiaisonMember) -> LiaisonMember:
    return LiaisonMember.objects.select_for_update().get(pk=member.pk)


def _transition(actor: User, member: LiaisonMember, step: str) -> tuple[LiaisonMember, str]:
    """Lock the row, check the actor's right and the move; the fresh row and the state it
    moves to."""
    fresh = _locked(member)
    target = policy.member_step_check(actor, fresh, step)
    if fresh.personal_data_removed_at is not None:
        raise TransitionError("個人情報を削除した記録は変更できません。")
    if not target:
        raise TransitionError(
            f"「{fresh.get_status_display()}」の方には、"
            f"{policy.STEP_LABELS[step]}を記録できません。"
        )
    return fresh, target


# --- Community groups ----------------------------------------------------------------------
@transaction.atomic
def group_create(
    *,
    actor: User,
    station: Station,
    kind: str,
    name: str,
    municipality: str,
    area: str = "",
    note: str = "",
) -> CommunityGroup:
    _keep_require(actor, station)
    if kind not in GroupKind.values:
        raise ValidationError({"kind": "団体の種別を一覧から選んでください。"})
    if CommunityGroup.objects.filter(station=station, name=name.strip()).exists():
        raise ValidationError({"name": "同じ名称の団体がすでに登録されています。"})
    group = CommunityGroup(
        station=station,
        kind=kind,
        name=name.strip(),
        municipality=municipality.strip(),
        area=area.strip(),
        note=note.strip(),
    )
    history_save(group, actor=actor, reason="団体の登録")
    return group


@transaction.atomic
def group_update(*, actor: User, group: CommunityGroup, **values: Any) -> CommunityGroup:
    fresh = CommunityGroup.objects.select_for_update().get(pk=group.pk)
    _keep_require(actor, fresh.station)
    if values.get("kind", fresh.kind) not in GroupKind.values:
        raise ValidationError({"kind": "団体の種別を一覧から選んでください。"})
    name = values.get("name", fresh.name).strip()
    if CommunityGroup.objects.filter(station=fresh.station, name=name).exclude(pk=fresh.pk):
        raise ValidationError({"name": "同じ名称の団体がすでに登録されています。"})
    for field in ("kind", "name", "municipality", "area", "note"):
        if field in values:
            setattr(fresh, field, values[field].strip())
    history_save(fresh, actor=actor, reason="団体の変更")
    return fresh


# --- From candidate to member --------------------------------------------------------------
@transaction.atomic
def member_report(
    *,
    actor: User,
    station: Station,
    name: str,
    name_kana: str,
    found_on: dt.date,
    found_occasion: str,
    found_department: Department | None = None,
    found_note: str = "",
    phone: str = "",
    email: str = "",
    postal_code: str = "",
    address: str = "",
    channel: str = Channel.IN_PERSON,
    municipality: str = "",
    groups: Sequence[tuple[CommunityGroup, str]] = (),
    posts: Sequence[str] = (),
    beats: Sequence[Beat] = (),
    confirm_distinct: bool = False,
) -> LiaisonMember:
    """A candidate recorded by any member of staff of the station (2⑶): who found him (the
    actor), his department, when and where. A likely duplicate stops the save unless the
    reporter confirms that this is another person."""
    if not policy.may_report(actor, station):
        raise PermissionDenied("この警察署の連絡員の候補者を報告する権限がありません。")
    _not_future(found_on, "found_on", "把握した日")
    if found_occasion not in FoundOccasion.values:
        raise ValidationError({"found_occasion": "把握した機会を一覧から選んでください。"})
    _in_station(station, groups=[g for g, _ in groups], beats=beats, departments=[found_department])
    if not confirm_distinct and duplicates_of(
        station=station, name=name, name_kana=name_kana, phone=phone, address=address
    ):
        raise ValidationError(
            {
                "confirm_distinct": "同じ方が登録されている可能性があります。下の一覧を確かめ、"
                "別人であれば「別人として登録する」にチェックしてください。"
            }
        )
    department = found_department or _actor_department(actor, station)
    member = LiaisonMember(
        station=station,
        status=MemberStatus.CANDIDATE,
        name=text.name(name),
        name_kana=text.kana(name_kana),
        phone=text.phone(phone),
        email=email.strip(),
        postal_code=text.postal(postal_code),
        address=address.strip(),
        channel=channel,
        municipality=municipality.strip(),
        found_by=actor,
        found_department=department,
        found_on=found_on,
        found_occasion=found_occasion,
        found_note=found_note.strip(),
    )
    _save(member, actor=actor, reason="候補者の報告")
    _set_details(member, groups=groups, posts=posts, beats=beats)
    _step(
        member,
        StepKind.REPORTED,
        actor=actor,
        on=found_on,
        department=department,
        reason=f"{member.get_found_occasion_display()}で把握",
    )
    _log(actor, AccessEvent.Action.CREATE, member, "連絡員の候補者の報告")
    return member


def _earlier_reasons(member: LiaisonMember) -> set[str]:
    rows = member.steps.filter(kind=StepKind.ASKED).values_list("reason", flat=True)
    return {fold_name(r) for r in rows if r}


def reask_refusal(member: LiaisonMember, reason: str) -> str:
    """Why this ask may not go ahead (4⑵ 無理強いしない), or "": a declined or withdrawn
    person is asked again only with a reason not recorded before."""
    if (member.status, "ask") not in {(s, step) for step, s in policy.NEEDS_NEW_REASON}:
        return ""
    said_no = "辞退" if member.status == MemberStatus.DECLINED else "退任"
    when = member.declined_on if member.status == MemberStatus.DECLINED else member.withdrawn_on
    prefix = f"この方は{dates.date_ja(when)}に{said_no}しています。" if when else ""
    if not reason.strip():
        return (
            prefix + "無理強いしないため、改めて依頼するには新しい理由"
            "（状況の変化、本人からの申出など）を入力してください。"
        )
    if fold_name(reason) in _earlier_reasons(member):
        return (
            prefix + "この理由は前回の依頼と同じです。改めて依頼するには、"
            "前回と異なる新しい理由を入力してください。"
        )
    return ""


@transaction.atomic
def member_ask(
    *, actor: User, member: LiaisonMember, on: dt.date | None = None, reason: str = ""
) -> LiaisonMember:
    """署地域課 asks the person to be a member (2⑴). Asking again someone who declined or
    withdrew needs a new reason, kept on the step."""
    fresh, target = _transition(actor, member, "ask")
    on = on or timezone.localdate()
    _not_future(on, "on", "依頼した日")
    refusal = reask_refusal(fresh, reason)
    if refusal:
        raise ValidationError({"reason": refusal})
    return _enter(fresh, target, StepKind.ASKED, actor=actor, on=on, reason=reason, label="依頼")


@transaction.atomic
def member_consent(
    *, actor: User, member: LiaisonMember, consented_on: dt.date | None, note: str = ""
) -> LiaisonMember:
    """The person said yes: a member from the consent date (required, not in the future)."""
    fresh, target = _transition(actor, member, "consent")
    if consented_on is None:
        raise ValidationError({"consented_on": "承諾日を入力してください。"})
    _not_future(consented_on, "consented_on", "承諾日")
    _not_before(consented_on, fresh.found_on, "consented_on", "承諾日", "把握した日")
    fresh.consented_on = consented_on
    fresh.declined_on = None
    fresh.withdrawn_on = None
    return _enter(
        fresh, target, StepKind.CONSENTED, actor=actor, on=consented_on, reason=note, label="承諾"
    )


@transaction.atomic
def member_decline(
    *, actor: User, member: LiaisonMember, declined_on: dt.date | None = None, reason: str = ""
) -> LiaisonMember:
    """The person said no; nobody is pressed (4⑵)."""
    fresh, target = _transition(actor, member, "decline")
    declined_on = declined_on or timezone.localdate()
    _not_future(declined_on, "declined_on", "辞退の日")
    fresh.declined_on = declined_on
    return _enter(
        fresh, target, StepKind.DECLINED, actor=actor, on=declined_on, reason=reason, label="辞退"
    )


@transaction.atomic
def member_withdraw(
    *, actor: User, member: LiaisonMember, withdrawn_on: dt.date | None, reason: str = ""
) -> LiaisonMember:
    """A member may withdraw at any time: the date is kept, the row stays for the counts."""
    fresh, target = _transition(actor, member, "withdraw")
    if withdrawn_on is None:
        raise ValidationError({"withdrawn_on": "退任日を入力してください。"})
    _not_future(withdrawn_on, "withdrawn_on", "退任日")
    _not_before(withdrawn_on, fresh.consented_on, "withdrawn_on", "退任日", "承諾日")
    fresh.withdrawn_on = withdrawn_on
    return _enter(
        fresh, target, StepKind.WITHDREW, actor=actor, on=withdrawn_on, reason=reason, label="退任"
    )


# The personal and contact fields an edit may change (the forms offer the same ones).
EDITABLE = (
    "name",
    "name_kana",
    "phone",
    "email",
    "postal_code",
    "address",
    "channel",
    "municipality",
    "found_note",
)


@transaction.atomic
def member_update(
    *,
    actor: User,
    member: LiaisonMember,
    version: int,
    groups: Sequence[tuple[CommunityGroup, str]] = (),
    posts: Sequence[str] = (),
    beats: Sequence[Beat] = (),
    officer: User | None = None,
    department: Department | None = None,
    **values: Any,
) -> LiaisonMember:
    """An edit by the 署地域課; refused when someone saved the member after the editor
    opened it (the version he read is not the current one)."""
    fresh, _ = _transition(actor, member, "edit")
    if fresh.version != version:
        raise StaleEditError(
            "この連絡員の記録は、開いた後に他の職員が保存しました。入力内容は残してあります。"
            "最新の内容を確認してから、もう一度保存してください。"
        )
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"member_update: not editable: {sorted(unknown)}")
    _in_station(fresh.station, groups=[g for g, _ in groups], beats=beats)
    if department is not None and department.station_id != fresh.station_id:
        raise ValidationError({"department": "この警察署の課を選んでください。"})
    if officer is not None and not policy.may_view_roster(officer, fresh.station):
        raise ValidationError({"officer": "この警察署の職員を選んでください。"})
    for field, value in values.items():
        setattr(fresh, field, value.strip() if isinstance(value, str) else value)
    fresh.name = text.name(fresh.name)
    fresh.name_kana = text.kana(fresh.name_kana)
    fresh.officer = officer
    fresh.department = department
    _save(fresh, actor=actor, reason="連絡員の記録の変更")
    _set_details(fresh, groups=groups, posts=posts, beats=beats)
    _log(actor, AccessEvent.Action.UPDATE, fresh, "連絡員の記録の変更")
    return fresh


# --- Access log ----------------------------------------------------------------------------
def _log(
    actor: User | None, action: str, member: LiaisonMember, summary: str, **extra: Any
) -> None:
    access_event_record(
        user=actor,
        action=action,
        object_type=OBJECT,
        object_id=member.pk,
        station=member.station,
        summary=summary,
        **extra,
    )


def member_record_access(*, actor: User, member: LiaisonMember, action: str, summary: str) -> None:
    """A read of one member's page (閲覧)."""
    _log(actor, action, member, summary)


def roster_record_access(
    *, actor: User, station: Station | None, action: str, summary: str, record_count: int
) -> None:
    """A list, search, export or print of the roster: the station's roster is the object."""
    access_event_record(
        user=actor,
        action=action,
        object_type=ROSTER,
        object_id=station.pk if station is not None else "",
        station=station,
        summary=summary,
        record_count=record_count,
    )
