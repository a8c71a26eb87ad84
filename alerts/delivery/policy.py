"""Who sees an alert's sending progress, and when there is any to see.

Whoever may open the alert's page sees its progress: its author, the holders of the desks
of its chain (the approvers and the sender), the alert desks of its author's unit and the
運用総括管理者 (alerts.drafts.selectors.alerts_visible). Anyone else gets a 404 from the
selector, never a 403. This module adds only the alert's side: whether its fan-out began.
"""

from __future__ import annotations

from ..drafts.models import Alert, AlertStatus

# The panel is on the page from the sender's confirmation on: a scheduled alert shows that
# it waits, then its progress without a reload when the queue picks it up.
PANEL_STATUSES = frozenset({AlertStatus.SCHEDULED, AlertStatus.SENDING, AlertStatus.SENT})


def has_started(alert: Alert) -> bool:
    """The queue began the fan-out (its Delivery rows exist from then on)."""
    return alert.sending_started_at is not None or alert.status in {
        AlertStatus.SENDING,
        AlertStatus.SENT,
    }


def is_finished(alert: Alert) -> bool:
    """The queue marked the alert sent (every delivery settled)."""
    return alert.status == AlertStatus.SENT or alert.sent_at is not None


def shows_progress(alert: Alert) -> bool:
    """Whether the alert's page carries the progress panel at all."""
    return alert.status in PANEL_STATUSES or has_started(alert)


def keeps_polling(alert: Alert, *, done: bool) -> bool:
    """The page asks again while something may still change: a scheduled alert not yet
    started (it will), a started one not done. A cancelled alert never will."""
    if done:
        return False
    return alert.status == AlertStatus.SCHEDULED or has_started(alert)
