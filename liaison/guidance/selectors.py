"""Reads of guidance and evaluation notes, and the officer page a user may open."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import Station, User
from liaison.guidance.models import OfficerNote
from liaison.planning import selectors as planning_selectors
from liaison.planning import selectors as progress_selectors


def officer_note_list(*, station: Station, officer: User) -> QuerySet[OfficerNote]:
    """The officer's notes at the station, newest first. The caller has checked that the
    user may read this officer's page (his own, or a reviewer's within his remit)."""
    return (
        OfficerNote.objects.filter(station=station, officer=officer)
        .select_related("written_by")
        .order_by("-written_at", "-pk")
    )


# --- 評価の参考: an officer's figures over a period ---------------------------------------------
def officer_page_get(user: User, pk: int, user_pk: int) -> tuple[Station, User, bool]:
    """The station and officer of an officer's period page, and whether it is his own.
    An officer reads his own (要領 第3-2(4): the guidance and evaluation written to him); a
    reviewer of the station reads those of the officers within his remit (a 地域課長等 of
    one 地域課: its posts' officers). Anyone else: 404."""
    if user_pk == user.pk:
        beat = (
            permissions.beats_for(user, "record_visits")
            .filter(post__station_id=pk)
            .select_related("post__station")
            .first()
        )
        if beat is not None:
            return beat.post.station, user, True
    station = progress_selectors.review_station_get(user=user, pk=pk)
    officer = next(
        (
            o
            for o in planning_selectors.station_officer_list(station=station, user=user)
            if o.pk == user_pk
        ),
        None,
    )
    if officer is None:
        raise OutOfScope("accounts.user", str(user_pk))
    return station, officer, False
