"""あんしんメール: every feature's models, imported here for Django's app registry. Import
them from their feature (`alerts.drafts.models` …)."""

from .categories.models import Category, OffHoursRoute
from .chain.models import ChainStep, Scope, StepAction, StepUnit, StepWhen
from .delivery.models import Delivery, DeliveryStatus
from .drafts.models import (
    Alert,
    AlertKind,
    AlertStatus,
    AlertStep,
    ConsentBy,
    Decision,
    DecisionAction,
    PlaceKind,
    PrivacyOverride,
    StepStatus,
)
from .subscribers.models import Subscriber

__all__ = [
    "Alert",
    "AlertKind",
    "AlertStatus",
    "AlertStep",
    "Category",
    "ChainStep",
    "ConsentBy",
    "Decision",
    "DecisionAction",
    "Delivery",
    "DeliveryStatus",
    "OffHoursRoute",
    "PlaceKind",
    "PrivacyOverride",
    "Scope",
    "StepAction",
    "StepStatus",
    "StepUnit",
    "StepWhen",
    "Subscriber",
]
