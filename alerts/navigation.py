"""Registers every alerts feature's menu entries and home panels with accounts.navigation."""

from __future__ import annotations


def register() -> None:
    """Each feature's panels.register() is called here (drafts, categories, subscribers)."""
    from .subscribers import panels as subscribers_panels

    subscribers_panels.register()
