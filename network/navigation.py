"""Registers every network feature's menu entries and home panels with accounts.navigation."""

from __future__ import annotations

from .bulletins import panels as bulletins
from .exchanges import panels as exchanges
from .meetings import panels as meetings
from .members import panels as members
from .overview import panels as overview
from .requests import panels as requests


def register() -> None:
    members.register()
    exchanges.register()
    bulletins.register()
    meetings.register()
    requests.register()
    overview.register()
