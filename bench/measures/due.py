"""The visit policy the bench sets and the SQL of "visited within its cycle", shared by the
baselines of the book page (its 要覧's 要訪問・期限超過), the worklist and the station
progress. Not a measure module (bench/measures/__init__.py MODULES does not list it).

The cycles are constants here, as `visits.prepare` writes them into the VisitPolicy: the
baselines compare dates with constants, as liaison.planning's DueRule does.
"""

from __future__ import annotations

POLICY = {
    "default_cycle_days": 365,
    "elderly_alone_cycle_days": 180,
    "elderly_only_cycle_days": 270,
    "needs_support_cycle_days": 180,
    "foreign_cycle_days": None,
}
CARE_CYCLES = {
    "care_elderly_alone": "elderly_alone_cycle_days",
    "care_elderly_only": "elderly_only_cycle_days",
    "care_needs_support": "needs_support_cycle_days",
    "care_foreign": "foreign_cycle_days",
}
# Counted cards (DueRule.counted_q with the policy's kinds and no station instruction).
COUNTED = "status = 'filed' AND kind IN ('household', 'business')"


def fresh(day: str, alias: str = "") -> str:
    """`last > day - min(cycles)` as the AND of plain comparisons (DueRule.fresh_q); `day`
    is an SQL date expression, `alias` the cards' table alias with its dot."""
    a = alias
    parts = [f"{a}last_visit_on > {day} - {POLICY['default_cycle_days']}"]
    for flag, name in CARE_CYCLES.items():
        days = POLICY[name]
        if days:
            parts.append(f"(NOT {a}{flag} OR {a}last_visit_on > {day} - {days})")
    return "(" + " AND ".join(parts) + ")"


def cycle(alias: str = "") -> str:
    """The card's cycle in days (VisitPolicy.cycle_for): the shortest that applies."""
    a = alias
    cases = [str(POLICY["default_cycle_days"])]
    for flag, name in CARE_CYCLES.items():
        days = POLICY[name]
        if days:
            cases.append(f"CASE WHEN {a}{flag} THEN {days} END")
    return f"LEAST({', '.join(cases)})"


def figures(today: str, alias: str = "") -> str:
    """to_visit, visited (fresh today), in_time (fresh yesterday, or never visited and
    filed today) as aggregate columns: the card_due_count of liaison.planning."""
    a = alias
    counted = " AND ".join(f"{a}{p.strip()}" for p in COUNTED.split(" AND "))
    filed_today = (
        f"({a}last_visit_on IS NULL AND coalesce({a}filed_at, {a}created_at)"
        f" >= ({today})::timestamp AT TIME ZONE 'Asia/Tokyo')"
    )
    return f"""count(*) FILTER (WHERE {counted}) AS to_visit,
        count(*) FILTER (WHERE {counted} AND {fresh(today, a)}) AS visited,
        count(*) FILTER (WHERE {counted}
            AND ({fresh(f"({today} - 1)", a)} OR {filed_today})) AS in_time"""
