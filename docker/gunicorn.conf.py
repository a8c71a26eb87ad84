"""Gunicorn settings for the web container (`gunicorn -c docker/gunicorn.conf.py`).

Every line gunicorn writes — its own messages, worker crashes, the access log — goes
through accounts.logging.OneLineFormatter like the application's: one line per event, the
request id in the same place. The access line carries the path without the query string,
because search terms (names, addresses) must not end up in logs.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Let a worker finish its requests, then recycle it, so that a slow leak cannot grow.
max_requests = 2000
max_requests_jitter = 200
# X-Forwarded-* is trusted only from these addresses (the TLS proxy in front).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
errorlog = "-"
access_log_format = "%(m)s %(U)s %(H)s %(s)s %(B)s %(M)sms from=%(h)s"

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "accounts.logging.RequestIdFilter"},
        "access_request_id": {"()": "accounts.logging.GunicornAccessFilter"},
    },
    "formatters": {"line": {"()": "accounts.logging.OneLineFormatter"}},
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["request_id"],
            "stream": "ext://sys.stderr",
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["access_request_id"],
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False},
    },
}
