"""Reads of handed cards: whoever sees the beat's book sees its handouts."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import User
from liaison.handouts.models import CardHandout


def handout_list(*, user: User) -> QuerySet[CardHandout]:
    """Handouts of the books the user may view, the earliest collection date first."""
    return (
        CardHandout.objects.filter(book_id__in=permissions.beats_for(user).values("pk"))
        .select_related("book__beat__post", "officer", "card")
        .order_by("collect_by", "pk")
    )


def handout_get(*, user: User, pk: int) -> CardHandout:
    handout = handout_list(user=user).select_related("station", "closed_by").filter(pk=pk).first()
    if handout is None:
        raise OutOfScope("liaison.cardhandout", str(pk))
    return handout


def handout_open_list(*, user: User) -> QuerySet[CardHandout]:
    """The worklist's section: cards handed in the officer's current beats and not yet
    collected or given up, whoever handed them (a new officer inherits them)."""
    return (
        CardHandout.objects.filter(
            book_id__in=permissions.beats_for(user, "record_visits").values("pk"),
            status=CardHandout.Status.OPEN,
        )
        .select_related("book__beat", "card")
        .order_by("collect_by", "pk")
    )


def handout_history(*, handout: CardHandout) -> list:
    return list(
        CardHandout.history.filter(id=handout.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
