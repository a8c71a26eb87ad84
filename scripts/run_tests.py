"""`make test`: find PostgreSQL, Redis and Chromium, run the suite, then the SQLite smoke.

Without a service, say so plainly and run what can run; under CI=true a missing service
is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/liaison")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PARALLEL = ["-n", str(min(4, os.cpu_count() or 1))]
NO_TESTS_COLLECTED = 5  # pytest's exit code


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def main(extra: list[str]) -> int:
    have_pg = DATABASE_URL.startswith("postgres") and reachable(DATABASE_URL, 5432)
    have_redis = reachable(REDIS_URL, 6379)
    have_chromium = Path(CHROMIUM).exists()
    missing = [
        name
        for name, ok in (
            (f"PostgreSQL ({DATABASE_URL})", have_pg),
            (f"Redis ({REDIS_URL})", have_redis),
            (f"Chromium ({CHROMIUM}; apt-get install -y chromium fonts-noto-cjk)", have_chromium),
        )
        if not ok
    ]
    if missing and CI:
        print("CI=true but these cannot be reached: " + ", ".join(missing), file=sys.stderr)
        return 2
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL}
    env.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server with Playwright
    deselect = []
    if not have_pg:
        print(
            "NOTICE: PostgreSQL is not reachable; running on SQLite without the PostgreSQL tests."
        )
        env["DATABASE_URL"] = f"sqlite:///{tempfile.gettempdir()}/liaison-test.sqlite3"
        deselect.append("not postgres")
    if not have_redis:
        print("NOTICE: Redis is not reachable; the queue tests are left out.")
        deselect.append("not redis")
    if not have_chromium:
        print("NOTICE: Chromium is not installed; the browser tests are left out.")
        deselect.append("not browser")
    pytest = [sys.executable, "-m", "pytest"]
    marker = ["-m", " and ".join(deselect)] if deselect else []
    # One process per CPU (pytest-xdist, each with its own test database), at most four:
    # the suite is mostly Python, and PostgreSQL needs a CPU of its own beyond that.
    # ARGS="-n 0" runs it in one process.
    workers = [] if any(a == "-n" or a.startswith("-n") for a in extra) else PARALLEL
    if extra:
        return subprocess.call([*pytest, *workers, *marker, *extra], cwd=ROOT, env=env)
    # The sending queue's fault test (marker `faults`) kills and restarts worker processes and
    # Redis servers of its own and keeps both CPUs busy for a few minutes: it runs after the
    # rest, alone, so that neither starves the other's browser or worker timing.
    rest = ["-m", " and ".join([*deselect, "not faults"])]
    code = subprocess.call([*pytest, *workers, *rest], cwd=ROOT, env=env)
    if code != 0:
        return code
    print("\n== The sending queue under faults (tests/alerts/test_delivery_faults.py) ==")
    faults = ["-m", " and ".join([*deselect, "faults"]), "-p", "no:cacheprovider"]
    code = subprocess.call([*pytest, *faults], cwd=ROOT, env=env)
    if code not in (0, NO_TESTS_COLLECTED):  # none to run without Redis: said above
        return code

    # The embedded default must keep working: a fresh SQLite database, migrated, smoke-tested.
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_env = {**env, "DATABASE_URL": f"sqlite:///{tmp}/smoke.sqlite3"}
        print("\n== SQLite: migrate a fresh database and run the smoke subset ==")
        migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
        code = subprocess.call(migrate, cwd=ROOT, env=sqlite_env)
        if code != 0:
            return code
        smoke = "smoke and not browser" if not have_chromium else "smoke"
        return subprocess.call(
            [*pytest, "-m", smoke, "-p", "no:cacheprovider"], cwd=ROOT, env=sqlite_env
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
