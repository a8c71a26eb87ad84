"""Error pages in Japanese with the request id; never a stack trace.

400 and 500 render a stand-alone template with a plain Context: no context processors,
no database, no user. A 500 may come from a database that is down, and a 400 from a
request whose host or session cannot be trusted. 403 and 404 keep the normal layout.
"""

from __future__ import annotations

import logging

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import Context, loader
from django.utils.html import escape

from ..context import request_id_var
from ..exceptions import BadInput, DomainError

logger = logging.getLogger(__name__)

# The last resort if even the stand-alone template cannot be rendered.
_FALLBACK_500 = (
    '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
    "<title>システムエラー | 巡回連絡記録システム</title></head><body>"
    "<h1>システムエラーが発生しました</h1>"
    "<p>しばらくしてから、もう一度お試しください。</p>"
    "<p>ヘルプデスクにお問い合わせの際は、次の番号をお伝えください：{request_id}</p>"
    '<p><a href="/">ホームへ戻る</a></p></body></html>'
)


def _request_id(request: HttpRequest | None) -> str:
    return getattr(request, "request_id", "") or request_id_var.get()


def _standalone(template_name: str, request: HttpRequest | None, **extra: str) -> str:
    template = loader.get_template(template_name)
    # The engine's template, rendered with a plain Context: no context processors run.
    return template.template.render(Context({"request_id": _request_id(request), **extra}))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Our own refusals of a parameter say which; anything else stays generic.
    reason = exception.message if isinstance(exception, BadInput) else ""
    return HttpResponseBadRequest(_standalone("400.html", request, reason=reason))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Our own refusals carry a message meant for the user; anything else stays generic.
    reason = exception.message if isinstance(exception, DomainError) else ""
    template = loader.get_template("403.html")
    return HttpResponseForbidden(template.render({"reason": reason}, request))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    template = loader.get_template("404.html")
    return HttpResponseNotFound(template.render({}, request))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    template = loader.get_template("403_csrf.html")
    return HttpResponseForbidden(template.render({}, request))


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        body = _standalone("500.html", request)
    except Exception:  # the error page itself must never fail
        logger.exception("500 page could not be rendered")
        body = _FALLBACK_500.format(request_id=escape(_request_id(request)))
    return HttpResponseServerError(body)
