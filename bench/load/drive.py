"""One phase of `make load`, in a process of its own (gevent patches the whole process):
`python -m bench.load.drive --plan PLAN --phase mix|floor --users N --spawn-rate R
--seconds S --out RESULT.json`.

Locust through its library API: the users are spawned and sign in (each sign-in through
the real form, recorded apart), then the measured window of S seconds starts, so that
the figures describe signed-in people at work, not a queue of password hashes. Every
request's time is kept, so that median and p95 are exact (Locust's own percentiles are
rounded to two significant digits). The result is a JSON file the runner reads.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

# Locust patches sockets and threads (gevent) on import: before bench.load.locustfile and
# before any connection is made; only the standard library is imported above.
import gevent
from locust.env import Environment

SIGN_IN = {"sign-in form", "sign-in", "two-factor form", "two-factor"}
SIGN_IN_TIMEOUT = 180  # seconds for every user to be signed in


def p95(values: list[float]) -> float:
    """Nearest rank, as bench.harness.p95."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


class Recorder:
    """Every request's time by page name, and its errors, from the moment `start` is called."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.sign_in_times: dict[str, list[float]] = defaultdict(list)
        self.sign_in_errors: dict[str, int] = defaultdict(int)
        self.measuring = False

    def start(self) -> None:
        self.times.clear()
        self.errors.clear()
        self.measuring = True

    def __call__(self, name: str, response_time: float, exception: Any, **_: Any) -> None:
        if name in SIGN_IN:
            self.sign_in_times[name].append(response_time)
            if exception is not None:
                self.sign_in_errors[name] += 1
                self._sample(name, exception)
            return
        if not self.measuring:
            # A page asked while others were still signing in (or after the window): its
            # errors still count, its time describes no steady state.
            if exception is not None:
                self.sign_in_errors["before or after the window"] += 1
                self._sample(name, exception)
            return
        self.times[name].append(response_time)
        if exception is not None:
            self.errors[name] += 1
            self._sample(name, exception)

    def _sample(self, name: str, exception: Any) -> None:
        if len(self.samples) < 20:
            self.samples.append(f"{name}: {exception}")


def _figures(times: list[float], errors: int, seconds: float) -> dict[str, Any]:
    return {
        "requests": len(times),
        "rps": round(len(times) / seconds, 1) if seconds else None,
        "median_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(p95(times), 1) if times else None,
        "errors": errors,
    }


def run(plan: Path, phase: str, users: int, spawn_rate: float, seconds: float) -> dict[str, Any]:
    os.environ["LOAD_PLAN"] = str(plan)
    os.environ["LOAD_PHASE"] = phase
    from bench.load import locustfile

    classes = [
        c
        for c in (locustfile.Officer, locustfile.Chief, locustfile.Auditor, locustfile.FloorOfficer)
        if not c.abstract
    ]
    recorder = Recorder()
    env = Environment(user_classes=classes, host=json.loads(plan.read_text())["host"])
    env.events.request.add_listener(recorder)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=spawn_rate)
    waited = time.monotonic()
    while locustfile.SIGNED_IN[0] < users:
        if time.monotonic() - waited > SIGN_IN_TIMEOUT:
            runner.quit()
            sys.exit(f"{SIGN_IN_TIMEOUT} 秒以内に全員がサインインできませんでした。")
        gevent.sleep(0.1)
    signing_seconds = time.monotonic() - waited

    cpu_before = os.times()
    recorder.start()
    started = time.monotonic()
    gevent.sleep(seconds)
    recorder.measuring = False
    elapsed = time.monotonic() - started
    cpu_after = os.times()
    runner.quit()

    everything = [t for times in recorder.times.values() for t in times]
    result = {
        "phase": phase,
        "users": users,
        "seconds": round(elapsed, 1),
        **_figures(everything, sum(recorder.errors.values()), elapsed),
        "pages": {
            name: _figures(recorder.times[name], recorder.errors[name], elapsed)
            for name in sorted(recorder.times)
        },
        "sign_in": {
            "seconds": round(signing_seconds, 1),
            **{
                name: _figures(times, recorder.sign_in_errors[name], signing_seconds)
                for name, times in sorted(recorder.sign_in_times.items())
            },
        },
        "sign_in_errors": sum(recorder.sign_in_errors.values()),
        # CPU the load generator itself used (cores): on a small machine it competes with
        # the server it measures.
        "generator_cpu": round(
            (cpu_after.user + cpu_after.system - cpu_before.user - cpu_before.system) / elapsed,
            2,
        ),
        "error_samples": recorder.samples,
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.drive", description=__doc__)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--phase", choices=["mix", "floor"], required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--spawn-rate", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--out", type=Path, required=True)
    options = parser.parse_args(argv)
    result = run(options.plan, options.phase, options.users, options.spawn_rate, options.seconds)
    options.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
