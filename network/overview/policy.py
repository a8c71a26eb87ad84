"""Who reads the network's figures (seed 001 4⑴・⑷): every department of a station reads its
own station's overview; HQ (review_network) reads every station's figures, and names no
member (the roster is the station's, 2⑷)."""

from __future__ import annotations

from accounts import permissions
from accounts.models import Station, User

STATION_PERMS = ["view_member_roster", "review_network"]


def may_review(user: User) -> bool:
    return any(permissions.holds_anywhere(user, perm, Station) for perm in STATION_PERMS)


def may_read_names(user: User, station: Station) -> bool:
    """Member names on the overview (the burden list) are for the station's own people."""
    return permissions.has_perm(user, "view_member_roster", station)


def may_review_all(user: User) -> bool:
    """The HQ table across stations."""
    return permissions.holds_anywhere(user, "review_network", Station)
