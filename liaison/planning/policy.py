"""Who reads the visit-frequency policy (要領 第5-2): whoever works with cards or reviews
progress, and HQ that sets it (`set_visit_policy`, asked by liaison.planning.services)."""

from __future__ import annotations

from accounts import permissions
from accounts.models import Beat, Station, User


def visit_policy_may_read(user: User) -> bool:
    """Whoever works with cards or reviews progress reads the policy that drives them."""
    return (
        permissions.holds_anywhere(user, "view_beat_cards", Beat)
        or permissions.holds_anywhere(user, "review_progress", Station)
        or permissions.has_hq_perm(user, "set_visit_policy")
    )
