"""The hours rule of 要領 第5-3: visits between 8:30 and 17:00, later only with an approved
夜間巡回連絡 until about 20:00; what a recorded time needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from liaison import text
from liaison.cards.models import (
    LiaisonCard,
)
from liaison.night.models import NightVisitRequest

# --- 巡回連絡 (要領 第5): visits and the hours rule -------------------------------------------
DAY_START = dt.time(8, 30)  # 要領 第5-3: おおむね午前8時30分から


DAY_END = dt.time(17, 0)  # 午後5時まで


NIGHT_END = dt.time(20, 0)  # 夜間は承認を受け、おおむね午後8時まで


# A clock on a tablet may run a little ahead of the server's.
FUTURE_SKEW = dt.timedelta(minutes=5)


def _hm(value: dt.time) -> str:
    return f"{value.hour}時{value.minute:02d}分" if value.minute else f"{value.hour}時"


def _clock(value: dt.time) -> str:
    """午前8時15分, 午後5時15分: as the directive writes its hours."""
    if value.hour < 12:
        return f"午前{_hm(value)}"
    return f"午後{_hm(dt.time(value.hour - 12, value.minute))}"


def _shift(value: dt.time, minutes: int) -> dt.time:
    moved = dt.datetime.combine(dt.date(2000, 1, 1), value) + dt.timedelta(minutes=minutes)
    return moved.time()


@dataclass(frozen=True)
class HoursWindow:
    """The hours of 要領 第5-3 with the tolerance of 「おおむね」 at every edge
    (settings.VISIT_HOURS_TOLERANCE_MINUTES): a daytime visit starts at or after
    `day_start` and ends by `day_end`; an approved night visit ends by `night_end`."""

    day_start: dt.time
    day_end: dt.time
    night_end: dt.time
    tolerance: int

    @classmethod
    def current(cls) -> HoursWindow:
        minutes = int(settings.VISIT_HOURS_TOLERANCE_MINUTES)
        return cls(
            day_start=_shift(DAY_START, -minutes),
            day_end=_shift(DAY_END, minutes),
            night_end=_shift(NIGHT_END, minutes),
            tolerance=minutes,
        )


@dataclass(frozen=True)
class HoursCheck:
    """What the hours rule says of one visit: the night approval it rests on, and, for a
    visit outside the rule, which rule (the text kept with the visit)."""

    approval: NightVisitRequest | None = None
    outside: str = ""


def _approval_for(officer: User, card: LiaisonCard, day: dt.date) -> NightVisitRequest | None:
    approvals = NightVisitRequest.objects.filter(
        officer=officer, date=day, status=NightVisitRequest.Status.APPROVED
    ).prefetch_related("beats")
    for approval in approvals:
        beats = {b.pk for b in approval.beats.all()}
        if not beats or card.book_id in beats:
            return approval
    return None


def visit_hours_check(
    *, officer: User, card: LiaisonCard, started_at: dt.datetime, ended_at: dt.datetime
) -> HoursCheck:
    """The hours rule (要領 第5-3), in Tokyo time, おおむね: each edge moves by the tolerance.

    Within the rule: a daytime visit (starts at 08:15 or later and ends by 17:15 with the
    default 15 minutes), or a later one resting on an approved request of this officer for
    this date (and for the card's beat when the request names beats) that ends by 20:15.
    Anything else is outside the rule: the returned HoursCheck says which rule, and the
    visit is recorded only with a reason. Times that cannot be true (an end before the
    start, across midnight, in the future) raise ValidationError.
    """
    start, end = timezone.localtime(started_at), timezone.localtime(ended_at)
    if end < start:
        raise ValidationError({"ended_at": "終了時刻は開始時刻より後にしてください。"})
    if start.date() != end.date():
        raise ValidationError({"ended_at": "日をまたぐ巡回連絡は記録できません。"})
    if end > timezone.localtime() + FUTURE_SKEW:
        raise ValidationError({"ended_at": "これから行う巡回連絡は記録できません。"})
    window = HoursWindow.current()
    early = start.time() < window.day_start
    if not early and end.time() <= window.day_end:
        return HoursCheck()
    if early:
        return HoursCheck(
            outside=f"{_clock(window.day_start)}より前に開始"
            f"（要領第5-3：おおむね{_clock(DAY_START)}から）"
        )
    approval = _approval_for(officer, card, start.date())
    if approval is None:
        return HoursCheck(
            outside=f"{_clock(window.day_end)}を過ぎたが夜間巡回連絡の承認がない"
            "（要領第5-3：夜間は地域課長等の承認を受ける）"
        )
    if end.time() > window.night_end:
        return HoursCheck(
            approval=approval,
            outside=f"{_clock(window.night_end)}を過ぎて終了"
            f"（要領第5-3：夜間はおおむね{_clock(NIGHT_END)}まで）",
        )
    return HoursCheck(approval=approval)


def _outside_hours_message(check: HoursCheck, day: dt.date) -> str:
    ask = ""
    if check.approval is None and "承認" in check.outside:
        ask = (
            f"{text.date_ja(day)}の夜間巡回連絡の承認（地域課長等）を申請して承認を受けてから"
            "記録するか、"
        )
    return (
        f"この巡回連絡は時間帯の外です（{check.outside}）。{ask}やむを得ず行った場合は、"
        "その理由を入力してください（時間外として記録され、地域課長等が確認します）。"
    )
