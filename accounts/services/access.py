"""The access log's one writer, access_event_record: every app records its reads, exports
and changes through it, and each event joins the tamper-evident chain."""

from __future__ import annotations

from django.db.models import Model

from .. import permissions
from ..audit import chain
from ..context import client_ip_var, request_id_var
from ..models import AccessEvent, Station, User


def access_event_record(
    *,
    user: User | None,
    action: str,
    outcome: str = AccessEvent.Outcome.SUCCESS,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    station: Station | None = None,
    summary: str = "",
    username: str = "",
    out_of_scope: bool = False,
    break_glass: bool = False,
    record_count: int | None = None,
) -> AccessEvent:
    """Record one access event. It raises if it cannot write: no unlogged access.

    The event joins the tamper-evident chain (accounts.audit.chain): on PostgreSQL the
    trigger links it inside this one INSERT, so recording costs no extra query.

    Personal values never go in here: objects by type and id, searches by a summary the
    caller makes (which fields were searched, how many rows came back).
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    known_user = user if user is not None and user.is_authenticated else None
    if known_user is not None:
        station = station or permissions.home_station(known_user)
        username = username or known_user.employee_number
    event = AccessEvent(
        user=known_user,
        username=username[:150],
        role=permissions.acting_role(known_user) if known_user else "",
        station=station,
        action=action,
        outcome=outcome,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:300],
        client_ip=client_ip_var.get(),
        request_id=request_id_var.get(),
        out_of_scope=out_of_scope,
        break_glass=break_glass,
        record_count=record_count,
    )
    return chain.append(event)
