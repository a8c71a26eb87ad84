"""Reads of guidance and evaluation notes."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Station, User
from liaison.guidance.models import OfficerNote


def officer_notes(*, station: Station, officer: User) -> QuerySet[OfficerNote]:
    """The officer's notes at the station, newest first. The caller has checked that the
    user may read this officer's page (his own, or a reviewer's within his remit)."""
    return (
        OfficerNote.objects.filter(station=station, officer=officer)
        .select_related("written_by")
        .order_by("-written_at", "-pk")
    )
