"""Registers every feature's menu entries and home panels with accounts.navigation.

Each feature keeps its own in its panels.py; the order of the calls below keeps entries of the
same order number in the order they have always been shown.
"""

from __future__ import annotations

from .areas import panels as areas
from .books import panels as books
from .filing import panels as filing
from .glass import panels as glass
from .guidance import panels as guidance
from .handouts import panels as handouts
from .instructions import panels as instructions
from .night import panels as night
from .planning import panels as planning
from .progress import panels as progress
from .takeover import panels as takeover
from .visits import panels as visits


def register() -> None:
    books.register()
    filing.register_nav_entries()
    glass.register()
    visits.register()
    night.register()
    planning.register()
    takeover.register()
    instructions.register()
    progress.register()
    handouts.register()
    areas.register()
    guidance.register()
    filing.register()
