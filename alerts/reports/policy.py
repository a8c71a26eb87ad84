"""Who sees the reports of あんしんメール, and over which alerts and areas.

Seed 004 3: the 運用総括管理者 oversees the whole service, so he sees every 所属's figures;
a 運用管理者 (所属長) or 運用責任者 (副署長・次席) manages his own 所属's sending, so he sees
his 所属's alerts (their counts, times and delivery) and the subscribers of its area (a
station: the municipalities of its area and the whole-prefecture subscribers; an HQ division
sends prefecture-wide, so every area). Authors and senders see no report (403).
Every answer comes from accounts.permissions.alert_desks (the active appointments).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from accounts import permissions
from accounts.models import Role
from accounts.permissions import AnyUser

# The desks that manage a 所属's sending (seed 004 3⑵⑶).
MANAGING_ROLES = frozenset({Role.ALERT_APPROVER, Role.ALERT_REVIEWER})
NO_REPORT = "あんしんメールの統計は、運用総括管理者・運用管理者・運用責任者が見ることができます。"


@dataclass(frozen=True)
class ReportScope:
    """What a person's reports cover: everything, or the alerts of some 所属."""

    everything: bool
    station_ids: frozenset[int] = frozenset()
    division_ids: frozenset[int] = frozenset()

    def alerts_q(self, prefix: str = "") -> Q:
        """Alerts (or, with a prefix such as "alert__", rows reaching one) in scope."""
        if self.everything:
            return Q()
        return Q(**{f"{prefix}author_station__in": self.station_ids}) | Q(
            **{f"{prefix}author_division__in": self.division_ids}
        )

    @property
    def all_areas(self) -> bool:
        """Every municipality: the 運用総括管理者, or an HQ division (prefecture-wide)."""
        return self.everything or bool(self.division_ids)


def report_scope(user: AnyUser) -> ReportScope | None:
    """The user's scope, or None when he may see no report."""
    desks = permissions.alert_desks(user)
    if any(d.role == Role.ALERT_HQ_APPROVER for d in desks):
        return ReportScope(everything=True)
    managing = [d for d in desks if d.role in MANAGING_ROLES]
    if not managing:
        return None
    return ReportScope(
        everything=False,
        station_ids=frozenset(d.station_id for d in managing if d.station_id),
        division_ids=frozenset(d.division_id for d in managing if d.division_id),
    )


def may_view_reports(user: AnyUser) -> bool:
    return bool(user.is_authenticated and report_scope(user) is not None)
