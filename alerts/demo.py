"""Demo data of あんしんメール for `manage.py seed_demo` (AlertsConfig.seed_demo)."""

from __future__ import annotations


def seed_alerts() -> None:
    """Filled by the demo slice."""
