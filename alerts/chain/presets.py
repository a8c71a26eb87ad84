"""The two ways of approving an alert, as data (DESIGN.md, Workflows).

kagoshima (seed 003): the station reports the case; its 署長 judges whether and what may be
said (5⑴ア); the category's HQ section approves, reached in office hours at its 係 and
outside them by its off-hours route (4), and consults the 生活安全企画課長 where it is
another division (5⑴イ); HQ's designated 発信操作担当者 of 生活安全企画課 sends (6⑴).

gunma (seed 004): each 所属 sends for itself: 作成者 → 運用責任者 (副署長・次席) → 運用管理者
(所属長) → its own 発信操作担当者. A prefecture-wide send comes from the HQ division in charge
(4⑷イ): a station's draft goes to that division's 運用管理者 first, and that division sends.
The 運用総括管理者 is consulted where the rules say (4⑷ア, a category that needs it) or where
the author asks (「必要に応じて」, 4⑷イ・ウ).

`load(preset)` writes the rows; settings.ALERTS_PRESET chooses which preset the engine
reads. HQ may change the rows afterwards (admin); a category's own rows replace the
preset's general ones for it.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import Role

from .models import ChainStep, Scope, StepAction, StepUnit, StepWhen

# (label, role, unit, action, when)
Step = tuple[str, str, str, str, str]

_KAGOSHIMA: list[Step] = [
    ("署長の判断", Role.ALERT_APPROVER, StepUnit.AUTHOR, StepAction.APPROVE, StepWhen.FROM_STATION),
    (
        "本部担当係の審査",
        Role.ALERT_APPROVER,
        StepUnit.CATEGORY_DESK,
        StepAction.APPROVE,
        StepWhen.ALWAYS,
    ),
    (
        "生活安全企画課長との協議",
        Role.ALERT_APPROVER,
        StepUnit.OPERATOR_DIVISION,
        StepAction.APPROVE,
        StepWhen.OTHER_DIVISION,
    ),
    ("発信操作", Role.ALERT_SENDER, StepUnit.OPERATOR_DIVISION, StepAction.SEND, StepWhen.ALWAYS),
]

_GUNMA_OWN: list[Step] = [
    ("運用責任者の確認", Role.ALERT_REVIEWER, StepUnit.AUTHOR, StepAction.APPROVE, StepWhen.ALWAYS),
    ("運用管理者の承認", Role.ALERT_APPROVER, StepUnit.AUTHOR, StepAction.APPROVE, StepWhen.ALWAYS),
    (
        "運用総括管理者との協議",
        Role.ALERT_HQ_APPROVER,
        StepUnit.HEADQUARTERS,
        StepAction.APPROVE,
        StepWhen.CONSULT,
    ),
    ("発信操作", Role.ALERT_SENDER, StepUnit.AUTHOR, StepAction.SEND, StepWhen.ALWAYS),
]

_GUNMA_STATIONS: list[Step] = [
    _GUNMA_OWN[0],
    _GUNMA_OWN[1],
    (
        "本部所管課の運用管理者との協議",
        Role.ALERT_APPROVER,
        StepUnit.CATEGORY_DIVISION,
        StepAction.APPROVE,
        StepWhen.FROM_STATION,
    ),
    _GUNMA_OWN[2],
    _GUNMA_OWN[3],
]

_GUNMA_PREFECTURE: list[Step] = [
    _GUNMA_OWN[0],
    _GUNMA_OWN[1],
    (
        "本部所管課の運用管理者の承認",
        Role.ALERT_APPROVER,
        StepUnit.CATEGORY_DIVISION,
        StepAction.APPROVE,
        StepWhen.FROM_STATION,
    ),
    _GUNMA_OWN[2],
    (
        "本部所管課の発信操作",
        Role.ALERT_SENDER,
        StepUnit.CATEGORY_DIVISION,
        StepAction.SEND,
        StepWhen.ALWAYS,
    ),
]

PRESETS: dict[str, dict[str, list[Step]]] = {
    "kagoshima": {
        Scope.STATION: _KAGOSHIMA,
        Scope.STATIONS: _KAGOSHIMA,
        Scope.PREFECTURE: _KAGOSHIMA,
    },
    "gunma": {
        Scope.STATION: _GUNMA_OWN,
        Scope.STATIONS: _GUNMA_STATIONS,
        Scope.PREFECTURE: _GUNMA_PREFECTURE,
    },
}
PRESET_LABELS = {
    "kagoshima": "鹿児島方式（本部の担当者が発信）",
    "gunma": "群馬方式（各所属が発信）",
}


@transaction.atomic
def load(preset: str) -> int:
    """The preset's general rows, replacing any earlier general rows of it (a category's own
    rows are HQ's and stay)."""
    ChainStep.objects.filter(preset=preset, category__isnull=True).delete()
    rows = [
        ChainStep(
            preset=preset,
            scope=scope,
            order=order,
            label=label,
            role=role,
            unit=unit,
            action=action,
            when=when,
        )
        for scope, steps in PRESETS[preset].items()
        for order, (label, role, unit, action, when) in enumerate(steps, start=1)
    ]
    ChainStep.objects.bulk_create(rows)
    return len(rows)
