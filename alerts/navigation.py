"""Registers every alerts feature's menu entries and home panels with accounts.navigation."""

from __future__ import annotations

from .drafts import panels as drafts


def register() -> None:
    """Each feature's panels.register() is called here (drafts, categories, subscribers)."""
    drafts.register()
