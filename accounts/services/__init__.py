"""Writes of accounts that carry a rule, one module per feature: the access log's writer
(access), notices (notices), the organisation tree (organisation), accounts (users), and
appointments with beat assignments (appointments). Keyword-only, the acting user first, one
transaction each. Every public name is re-exported here: `from accounts.services import
access_event_record` and `services.appointment_start(...)` are the ways to call them.
"""

from .access import access_event_record
from .appointments import (
    appointment_end,
    appointment_start,
    appointments_apply_due,
    beat_assignment_end,
    beat_assignment_start,
)
from .notices import notice_mark_read, notice_send
from .organisation import beat_create, post_department_set
from .users import totp_device_confirm, user_create, user_disable, user_enable, user_unlock

__all__ = [
    "access_event_record",
    "appointment_end",
    "appointment_start",
    "appointments_apply_due",
    "beat_assignment_end",
    "beat_assignment_start",
    "beat_create",
    "notice_mark_read",
    "notice_send",
    "post_department_set",
    "totp_device_confirm",
    "user_create",
    "user_disable",
    "user_enable",
    "user_unlock",
]
