"""Writes to the organisation tree that carry a rule: a new beat gets its role groups'
permissions, and a post joins one 地域課 of its station."""

from __future__ import annotations

from django.db import transaction

from .. import permissions
from ..exceptions import DomainError
from ..models import AccessEvent, Beat, Department, Post, User
from .access import access_event_record


@transaction.atomic
def beat_create(*, actor: User | None, post: Post, name: str) -> Beat:
    beat = Beat(post=post, name=name)
    beat.full_clean()
    beat.save()
    permissions.role_groups_sync_for_beat(beat)
    return beat


@transaction.atomic
def post_department_set(*, actor: User | None, post: Post, department: Department | None) -> Post:
    """A post joins one 地域課 of its station (要領 第3-2(4)): from now its beats are that
    department's 地域課長's only (None: every 地域課長 of the station, as with one 地域課)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if department is not None and (
        department.station_id != post.station_id or not department.is_community
    ):
        raise DomainError("交番・駐在所と同じ警察署の地域課を選んでください。", field="department")
    post.department = department
    post.full_clean()
    post.save(update_fields=["department"])
    permissions.role_groups_sync_station(post.station)
    access_event_record(
        user=actor,
        action=AccessEvent.Action.APPOINTMENT_CHANGE,
        obj=post,
        station=post.station,
        summary=f"交番・駐在所の地域課（{department.name if department else '指定なし'}）",
    )
    return post
