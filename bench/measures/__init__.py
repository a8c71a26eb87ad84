"""The measures, one module per issue. Each module has MEASURES (a list of
bench.harness.Measure) and may have `prepare(world, options)` to add the data it needs on
top of the generated station (later issues: visits, access events).

To add an issue's measures: write bench/measures/<topic>.py and add it to MODULES.
bench/measures/due.py (the policy's SQL) and audit_record.py (the recording measures,
listed by audit.py) are helpers, not in MODULES.
"""

from __future__ import annotations

import importlib
from types import ModuleType

MODULES = [
    "bench.measures.floor",  # issue 15: the signed-in page that shows nothing (measured first)
    "bench.measures.cards",  # issue 3: books, kana search, card page, CSV export
    "bench.measures.visits",  # issue 4: station progress, worklist over 500,000 visits
    "bench.measures.audit",  # issue 5: audit search, chain verification, recording
    "bench.measures.network",  # issue 12: roster, member page, station overview
    "bench.measures.alerts",  # issue 14: one alert to 100,000 subscribers through a worker
]


def modules() -> list[ModuleType]:
    return [importlib.import_module(name) for name in MODULES]
