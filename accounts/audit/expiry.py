"""Personal data an app keeps for a set time only (a withdrawn liaison member's): each app
registers a PersonalDataExpiry (accounts.audit.registry); the retention run
(`manage.py access_log_purge`) counts or erases what is due, whether or not any access event
is old enough to archive."""

from __future__ import annotations

import datetime as dt

from . import registry


def personal_data_expire(*, now: dt.datetime, dry_run: bool = False) -> list[tuple[str, int]]:
    """(label, how many) per registered app: counted (dry run) or erased."""
    return [
        (expiry.label, expiry.due(now) if dry_run else expiry.erase(now))
        for expiry in registry.expiries()
    ]
