"""One log line per event, each carrying the request id.

Used by settings.LOGGING (Django, Celery worker and beat) and by docker/gunicorn.conf.py
(gunicorn's own error and access logs). It imports nothing from Django, so that gunicorn's
master process can load it before the application.
"""

import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

from .context import request_id_var

# Every process writes Tokyo time, whatever its TZ: gunicorn's master never loads Django
# (which sets TZ from TIME_ZONE) and would otherwise write UTC into the same stream. Japan
# keeps no daylight saving time, so a fixed offset is exact and needs no tz database.
JST = timezone(timedelta(hours=9), "JST")

# Line breaks that json.dumps(ensure_ascii=False) leaves as they are, but that some log
# readers (and Python's str.splitlines) treat as the end of a line.
_UNICODE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


class RequestIdFilter(logging.Filter):
    """Stamp the id of the request being served (or "-" outside a request).

    Django logs a 4xx response ("Not Found: …") after the middleware has returned, when the
    request's context is gone; that record carries the request itself, which has the id.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_id_var.get()
        if not request_id:
            request_id = getattr(getattr(record, "request", None), "request_id", "")
        record.request_id = request_id or "-"
        return True


class GunicornAccessFilter(logging.Filter):
    """Gunicorn writes its access line after the application has returned, when the
    request's context is gone: take the id from the response's X-Request-ID header."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args
        request_id = atoms.get("{x-request-id}o") if isinstance(atoms, Mapping) else None
        record.request_id = request_id or "-"
        return True


class OneLineFormatter(logging.Formatter):
    """`time level logger request_id=… msg="…"` on one line; tracebacks folded into it."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message = f"{message} {self.formatException(record.exc_info)}"
        elif record.exc_text:
            message = f"{message} {record.exc_text}"
        if record.stack_info:
            message = f"{message} {self.formatStack(record.stack_info)}"
        request_id = getattr(record, "request_id", None) or request_id_var.get() or "-"
        when = datetime.fromtimestamp(record.created, JST).isoformat(timespec="milliseconds")
        # json.dumps keeps newlines and quotes of the message on the one line.
        return (
            f"{when} {record.levelname} "
            f"{record.name} request_id={request_id} "
            f"msg={json.dumps(message, ensure_ascii=False).translate(_UNICODE_BREAKS)}"
        )
