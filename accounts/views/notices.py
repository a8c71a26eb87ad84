"""お知らせ: the home panel of a person's unread notices, and opening one.

A notice carries a title and a link, never personal data; whoever follows the link passes
the same permission checks as anyone else. Opening marks it read (a POST: it changes
something) and follows the link only if it stays on this site.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path

from .. import selectors, services
from ..inputs import is_local_path
from ..models import Notice, User
from ..utils.http import POST_ONLY

PANEL_LIMIT = 10


def _unread(user: User) -> list[Notice]:
    """One query per request whatever asks: the panel's predicate and its context share it.
    One more row than shown tells whether there are older ones."""
    cache = user.__dict__
    if "_unread_notices" not in cache:
        cache["_unread_notices"] = selectors.notice_list_unread(user=user, limit=PANEL_LIMIT + 1)
    return cache["_unread_notices"]


def has_unread_notices(user: User) -> bool:
    return bool(user.is_authenticated and _unread(user))


def notices_panel(user: User) -> dict[str, Any]:
    unread = _unread(user)
    return {"notices": unread[:PANEL_LIMIT], "more": len(unread) > PANEL_LIMIT}


@POST_ONLY
@login_required
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's notice is not found, as any object outside one's scope.
    notice = selectors.notice_get(user=request.user, pk=pk)
    services.notice_mark_read(actor=request.user, notice=notice)
    return redirect(notice.url if is_local_path(notice.url) else "accounts:home")


urlpatterns = [path("notices/<id:pk>/open/", notice_open, name="notice_open")]
