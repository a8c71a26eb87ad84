# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test bench load lint format install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# Embedded SQLite, eager tasks, mail to the console; demo data; http://127.0.0.1:8000
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST)

# The whole suite on PostgreSQL and Redis (DATABASE_URL, REDIS_URL), then a smoke subset on a
# fresh SQLite database. Without the services it says so and runs what it can on SQLite;
# with CI=true their absence is a failure.
test: install-dev
	$(BIN)/python scripts/run_tests.py $(ARGS)

# A station of 50,000 cards on PostgreSQL (BENCH_DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/liaison_bench): page times next to raw SQL, written to
# bench/results.json. ARGS="--repeat 10 --only book_page" and more: bench/README.md.
bench: install-dev
	$(BIN)/python -m bench.run $(ARGS)

# The production server under load: gunicorn with docker/gunicorn.conf.py and the production
# settings (bench/load/settings.py) on 127.0.0.1 over the bench station, driven by Locust as
# 50 of the station's people for 60 s, then the empty signed-in page; written to
# bench/results.json under "load". ARGS="--users 50 --seconds 60"; more: python -m bench.load -h
load: install-dev
	$(BIN)/python -m bench.load $(ARGS)

# ruff, then mypy with django-stubs over the services, selectors and policies (the modules
# and the strictness are in pyproject.toml, [tool.mypy]). `.ci/run` runs this before the tests.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .mypy_cache
