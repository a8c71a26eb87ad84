"""Settings of the benchmark: the test settings on a database of its own, DEBUG off.

The database is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/liaison_bench),
set before the test settings read DATABASE_URL, so that the benchmark never touches the
test or development database.
"""

import os

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/liaison_bench"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
# One line per request at INFO would bury the table.
os.environ.setdefault("LOG_LEVEL", "WARNING")

from config.settings.test import *  # noqa: E402, F403

# DEBUG off as in production: no query log kept between measures, production templates.
DEBUG = False

# The app's URLs and the floor page (bench/floor.py), whose template lives beside it.
ROOT_URLCONF = "bench.floor"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405
