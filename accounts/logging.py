"""One log line per event, each carrying the request id."""

import json
import logging

from .context import request_id_var


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


class OneLineFormatter(logging.Formatter):
    """`time level logger request_id message` on one line; tracebacks folded into it."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message = f"{message} {self.formatException(record.exc_info)}"
        # json.dumps keeps newlines and quotes of the message on the one line.
        return (
            f"{self.formatTime(record, '%Y-%m-%dT%H:%M:%S%z')} {record.levelname} "
            f"{record.name} request_id={getattr(record, 'request_id', '-')} "
            f"msg={json.dumps(message, ensure_ascii=False)}"
        )
