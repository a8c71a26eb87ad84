"""Registers every alerts feature's menu entries and home panels with accounts.navigation."""

from __future__ import annotations

from .categories import panels as categories
from .drafts import panels as drafts
from .operators import panels as operators
from .reports import panels as reports
from .subscribers import panels as subscribers


def register() -> None:
    drafts.register()
    categories.register()
    subscribers.register()
    operators.register()
    reports.register()
