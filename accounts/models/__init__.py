"""The models of accounts, one module per feature: users and roles (users), the
organisation tree and its guardian permission tables (organisation), appointments and beat
assignments (appointments), the access log (access), anomaly cases (cases) and notices
(notices). Every public name is re-exported here, so `from accounts.models import X` is the
one way to import them; the app label stays `accounts`.
"""

from .access import AccessChainHead, AccessEvent, AccessLogCheck, AccessLogPurge
from .appointments import Appointment, BeatAssignment, RoleGroup, UnitMixin
from .cases import AnomalyCase, AnomalyReview
from .notices import Notice
from .organisation import (
    Beat,
    BeatGroupObjectPermission,
    BeatUserObjectPermission,
    Department,
    Division,
    DivisionSection,
    Headquarters,
    HeadquartersGroupObjectPermission,
    HeadquartersUserObjectPermission,
    Municipality,
    Post,
    PostGroupObjectPermission,
    PostUserObjectPermission,
    Station,
    StationGroupObjectPermission,
    StationUserObjectPermission,
)
from .users import (
    ALERT_ROLES,
    HQ_ROLES,
    ROLE_LEVEL,
    Role,
    UnitLevel,
    User,
    UserManager,
    employee_number_validator,
    kana_validator,
)

__all__ = [
    "ALERT_ROLES",
    "HQ_ROLES",
    "ROLE_LEVEL",
    "AccessChainHead",
    "AccessEvent",
    "AccessLogCheck",
    "AccessLogPurge",
    "AnomalyCase",
    "AnomalyReview",
    "Appointment",
    "Beat",
    "BeatAssignment",
    "BeatGroupObjectPermission",
    "BeatUserObjectPermission",
    "Department",
    "Division",
    "DivisionSection",
    "Headquarters",
    "HeadquartersGroupObjectPermission",
    "HeadquartersUserObjectPermission",
    "Municipality",
    "Notice",
    "Post",
    "PostGroupObjectPermission",
    "PostUserObjectPermission",
    "Role",
    "RoleGroup",
    "Station",
    "StationGroupObjectPermission",
    "StationUserObjectPermission",
    "UnitLevel",
    "UnitMixin",
    "User",
    "UserManager",
    "employee_number_validator",
    "kana_validator",
]
