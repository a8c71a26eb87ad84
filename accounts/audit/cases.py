"""要確認事案 (anomaly cases): the rules of their review that need no one's scope, and the
pieces of their pages that are plain computation.

The workflow is the table MOVES (a closed case stays closed), each move with its button
(MOVE_LABELS) and what its note must say (NOTE_REQUIRED); accounts.audit.services.
anomaly_case_review enforces it. A case still open AUDIT_REVIEW_DAYS after it was found is
overdue (overdue_q): sorted first, with a badge (overdue_label). Here too: a case's figures
as labelled rows, and the month arithmetic of the monthly report.

Who sees which case, a case's page and the report are accounts.audit.case_selectors; the
home panel is accounts.audit.panels.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ..models import AnomalyCase
from ..utils import dates

Status = AnomalyCase.Status

# status -> the statuses a review may move it to. A closed case stays closed.
MOVES: dict[str, tuple[str, ...]] = {
    Status.OPEN: (Status.EXPLAINED, Status.ESCALATED, Status.CLOSED),
    Status.EXPLAINED: (Status.ESCALATED, Status.CLOSED),
    Status.ESCALATED: (Status.EXPLAINED, Status.CLOSED),
    Status.CLOSED: (),
}

# The button of each move, and what its note must say.
MOVE_LABELS = {
    Status.EXPLAINED: "説明済みにする",
    Status.ESCALATED: "上申する",
    Status.CLOSED: "終結する",
}
NOTE_REQUIRED: dict[str, str] = {
    Status.EXPLAINED: "説明の内容を入力してください。",
    Status.ESCALATED: "上申する理由を入力してください。",
    Status.CLOSED: "終結とする理由（確認の結果）を入力してください。",
}

FIGURE_LABELS = {
    "reads": "カードの閲覧・印刷",
    "usual": "通常の件数（1日の中央値）",
    "threshold": "基準",
    "events": "記録",
    "card": "カード",
    "records": "出力件数",
    "cards": "カードの枚数",
    "duty": "勤務時間",
}
FIGURE_UNITS = {
    "reads": "件",
    "usual": "件",
    "threshold": "件",
    "events": "件",
    "records": "件",
    "cards": "枚",
}


def review_days() -> int:
    return settings.AUDIT_REVIEW_DAYS


def review_period() -> str:
    """AUDIT_REVIEW_DAYS as an officer says it: 「1週間」, 「10日」."""
    days = review_days()
    return f"{days // 7}週間" if days % 7 == 0 else f"{days}日"


def overdue_label() -> str:
    """The badge of a case left open too long: 「1週間以上未確認」."""
    return f"{review_period()}以上未確認"


def _overdue_before(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=review_days())


def overdue_q(now: dt.datetime | None = None) -> Q:
    return Q(status=Status.OPEN, found_at__lt=_overdue_before(now))


def anomaly_case_figures(case: AnomalyCase) -> list[tuple[str, str]]:
    rows = []
    for key, value in (case.figures or {}).items():
        label = FIGURE_LABELS.get(key, key)
        if key == "card":
            rows.append((label, f"No.{value}"))
        else:
            rows.append((label, f"{value}{FIGURE_UNITS.get(key, '')}"))
    return rows


# --- The monthly audit report ----------------------------------------------------------------


def report_neighbours(month: dt.date) -> tuple[str, str]:
    """The months before and after `month` as 「2026-04」 for the report's links; no
    following month past the current one."""
    previous, following = dates.months_add(month, -1), dates.months_add(month, 1)
    shown = following <= timezone.localdate()
    return dates.month_value(previous), dates.month_value(following) if shown else ""
