"""Small template helpers for the layout and the error pages."""

from __future__ import annotations

from django import template

from ..context import request_id_var

register = template.Library()


@register.simple_tag(takes_context=True)
def request_id(context: template.Context) -> str:
    """The id of this request, for the user to quote to the help desk.

    Works without a request in the context (Django's default 400 handler renders without
    one): the id also lives in a context variable for the whole request.
    """
    request = context.get("request")
    return (
        context.get("request_id")
        or getattr(request, "request_id", "")
        or request_id_var.get()
        or "なし"
    )
