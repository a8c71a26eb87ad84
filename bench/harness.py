"""Timing a page next to one raw SQL query, the same way, in the same run.

A measure names a page (a URL the signed-in user GETs through django.test.Client, timed
in-process with perf_counter around the request, the streamed body included) and a
baseline (one SQL statement fetching the rows that page shows, timed around execute and
fetchall). Both run `repeat` times, alternating, after a warm-up; the query count comes from
one more request under CaptureQueriesContext, so that capturing never slows the timed ones.
"""

from __future__ import annotations

import math
import statistics
import time
import traceback
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .generate import World


@dataclass(frozen=True)
class Measure:
    """One line of the table and one entry of results.json."""

    name: str
    title: str
    url: Callable[[World], str]
    # One SQL statement and its parameters: the same rows the page shows.
    baseline: Callable[[World], tuple[str, list[Any]]]
    # A fixed number of repetitions instead of --repeat (slow measures such as exports).
    repeat: int | None = None
    # Also measure the peak of Python memory (tracemalloc) while the response is consumed.
    memory: bool = False
    # Who asks for the page (default: the station's 地域課長).
    as_user: Callable[[World], Any] | None = None


@dataclass
class Result:
    name: str
    title: str
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    baseline_ms: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    failure: str = ""
    slowest_sql: str = ""
    # (ms, sql) of every query of the counted request, for --queries.
    captured: list[tuple[float, str]] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.median_ms is None or not self.baseline_ms:
            return None
        return self.median_ms / self.baseline_ms

    def as_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "median_ms": self.median_ms,
            "p95_ms": self.p95_ms,
            "queries": self.queries,
            "baseline_ms": self.baseline_ms,
        }
        if self.ratio is not None:
            entry["ratio"] = round(self.ratio, 1)
        entry.update(self.extra)
        return entry


def p95(values: list[float]) -> float:
    """Nearest rank: with 30 values, the 29th smallest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _get(client: Client, url: str) -> tuple[float, int, int]:
    """One request, its body consumed (streamed or not); seconds, status, body bytes."""
    started = time.perf_counter()
    response = client.get(url)
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    response.close()
    return time.perf_counter() - started, response.status_code, size


def _baseline(sql: str, params: list[Any]) -> tuple[float, int]:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return time.perf_counter() - started, len(rows)


def _rss_reset() -> bool:
    """Reset the kernel's peak-RSS mark of this process (Linux 4.0+), if allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _rss_kib(key: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def measure_run(
    measure: Measure,
    *,
    world: World,
    client: Client,
    repeat: int,
    warmup: int,
    explain: bool = False,
) -> Result:
    result = Result(name=measure.name, title=measure.title)
    url = measure.url(world)
    sql, params = measure.baseline(world)
    if measure.repeat:
        # Slow measures (exports): the first request is their only warm-up.
        repeat, warmup = measure.repeat, 1
    try:
        _, status, size = _get(client, url)
        if status != 200:
            result.failure = f"HTTP {status}（{url}）"
            return result
        for _ in range(max(0, warmup - 1)):
            _get(client, url)
        _baseline(sql, params)
        page_times: list[float] = []
        base_times: list[float] = []
        rows = 0
        for _ in range(repeat):
            seconds, status, size = _get(client, url)
            if status != 200:
                result.failure = f"HTTP {status} while timing（{url}）"
                return result
            page_times.append(seconds)
            seconds, rows = _baseline(sql, params)
            base_times.append(seconds)
        with CaptureQueriesContext(connection) as captured:
            _get(client, url)
    except Exception as exc:  # a page that raises is reported, the other measures still run
        traceback.print_exc()
        result.failure = f"{type(exc).__name__}: {exc}"
        return result

    queries = captured.captured_queries
    result.median_ms = _ms(statistics.median(page_times))
    result.p95_ms = _ms(p95(page_times))
    result.queries = len(queries)
    result.baseline_ms = _ms(statistics.median(base_times))
    result.extra = {
        "repeat": repeat,
        "baseline_p95_ms": _ms(p95(base_times)),
        "baseline_rows": rows,
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 2),
        "body_kib": round(size / 1024, 1),
    }
    result.captured = [(float(q["time"]) * 1000, q["sql"]) for q in queries]
    if queries:
        slowest = max(queries, key=lambda q: float(q["time"]))
        result.extra["slowest_query_ms"] = round(float(slowest["time"]) * 1000, 2)
        result.slowest_sql = slowest["sql"]
    if measure.memory:
        result.extra.update(_memory(client, url))
    if explain and result.slowest_sql:
        result.extra["explain"] = explain_analyze(result.slowest_sql)
    return result


def _memory(client: Client, url: str) -> dict[str, Any]:
    """Peak of Python allocations (tracemalloc) while the whole response is produced and
    consumed, and the growth of the process's peak RSS when the kernel lets us reset it."""
    rss_ok = _rss_reset()
    rss_before = _rss_kib("VmRSS")
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        _get(client, url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    out: dict[str, Any] = {"peak_kib": round(peak / 1024)}
    rss_peak = _rss_kib("VmHWM")
    if rss_ok and rss_before is not None and rss_peak is not None:
        out["rss_growth_kib"] = max(0, rss_peak - rss_before)
    return out


def explain_analyze(sql: str) -> list[str]:
    """The plan of a captured statement (Django records it with its parameters bound)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cursor.fetchall()]


@dataclass(frozen=True)
class CodeMeasure:
    """A measure that times code, not a page (bench/run.py calls `run` when there is one)."""

    name: str
    title: str
    runner: Callable[..., Result]
    options: tuple[tuple[str, Any], ...] = ()
    as_user: Callable[[World], Any] | None = None

    def run(self, *, world: World, client, repeat: int, warmup: int, explain: bool) -> Result:
        return self.runner(
            self, world=world, client=client, repeat=repeat, warmup=warmup, **dict(self.options)
        )
