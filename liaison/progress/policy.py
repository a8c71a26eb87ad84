"""Who may set which officer's monthly plan: the station's managers anyone's, a beat officer
his own (the scope comes from liaison.progress.selectors.plan_scope_get)."""

from __future__ import annotations

from accounts.exceptions import PermissionDenied
from liaison.progress.selectors import PlanScope


def plan_officer_check(scope: PlanScope, officer: str) -> None:
    """Setting the plan of an officer of the station whom this user may not plan for is a
    403; a number that is no officer of the station is the form's error."""
    if not scope.editable:
        raise PermissionDenied("この警察署の計画を設定する権限がありません。")
    try:
        officer_pk = int(officer)
    except ValueError:
        return
    editable = {person.pk for person in scope.editable}
    if officer_pk in scope.station_officer_ids and officer_pk not in editable:
        raise PermissionDenied("自分の計画だけを設定できます。")
