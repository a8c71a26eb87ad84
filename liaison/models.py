"""Every model of the app, imported so that Django finds them (the classes live in each
feature's models.py); the three validators are here because migrations name them."""

from liaison.areas.models import BeatArea
from liaison.cards.models import (
    CardMember,
    CardVehicle,
    LiaisonBook,
    LiaisonCard,
    validate_banchi,
    validate_not_future,
    validate_phone_digits,
)
from liaison.glass.models import BreakGlassAccess
from liaison.guidance.models import OfficerNote
from liaison.handouts.models import CardHandout
from liaison.instructions.models import StationInstruction
from liaison.night.models import NightVisitRequest
from liaison.planning.models import DedicatedDay, MonthlyPlan, VisitPolicy
from liaison.takeover.models import Takeover
from liaison.visits.models import Visit, VisitTally

__all__ = [
    "BeatArea",
    "BreakGlassAccess",
    "CardHandout",
    "CardMember",
    "CardVehicle",
    "DedicatedDay",
    "LiaisonBook",
    "LiaisonCard",
    "MonthlyPlan",
    "NightVisitRequest",
    "OfficerNote",
    "StationInstruction",
    "Takeover",
    "Visit",
    "VisitPolicy",
    "VisitTally",
    "validate_banchi",
    "validate_not_future",
    "validate_phone_digits",
]
