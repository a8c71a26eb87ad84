"""What the audit learns about alerts: the change history of alerts and categories."""

from __future__ import annotations


def register() -> None:
    """Registered with accounts.audit.registry (filled by the audit slice)."""
