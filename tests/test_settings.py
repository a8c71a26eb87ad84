"""Settings as an operator meets them: what starts, what refuses to, what each variable does.

Each case runs in a fresh interpreter with an environment built from nothing, so that the
variables of the test run (DATABASE_URL, REDIS_URL …) cannot leak into what is checked.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What a subprocess prints: the settings an operator would look at, as JSON.
DUMP = """
import json
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECRET_KEY": s.SECRET_KEY,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "DB_ENGINE": db["ENGINE"],
    "DB_NAME": str(db["NAME"]),
    "DB_HOST": db.get("HOST", ""),
    "REDIS_URL": s.REDIS_URL,
    "CELERY_BROKER_URL": s.CELERY_BROKER_URL,
    "CELERY_RESULT_BACKEND": s.CELERY_RESULT_BACKEND,
    "CELERY_TASK_ALWAYS_EAGER": s.CELERY_TASK_ALWAYS_EAGER,
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "EMAIL_HOST": getattr(s, "EMAIL_HOST", ""),
    "EMAIL_PORT": getattr(s, "EMAIL_PORT", None),
    "LANGUAGE_CODE": s.LANGUAGE_CODE,
    "TIME_ZONE": s.TIME_ZONE,
    "USE_TZ": s.USE_TZ,
    "PASSWORD_HASHERS": s.PASSWORD_HASHERS,
}))
"""


def run_python(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, code, *args] if code.endswith(".py") else [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_of(module: str, **variables: str) -> dict:
    done = run_python(DUMP, {"DJANGO_SETTINGS_MODULE": module, **variables})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "liaison.police.example.jp",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "EMAIL_URL": "smtp://mail.police.example.jp:25",
        "ALERTS_PUBLIC_BASE_URL": "https://anshin.police.example.jp",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


# --- (a) production passes Django's deployment checks --------------------------------


def test_production_passes_the_deployment_checks_without_a_warning(tmp_path):
    done = run_python(
        "manage.py", production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING"
    )

    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output
    assert "?: (security." not in output


def test_production_hashes_passwords_with_argon2(tmp_path):
    """The test settings use MD5 for speed; production must not."""
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.contrib.auth.hashers import make_password\n"
        "print(settings.PASSWORD_HASHERS[0]); print(make_password('x').split('$')[0])\n"
    )
    done = run_python(code, production_env(tmp_path))

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["django.contrib.auth.hashers.Argon2PasswordHasher", "argon2"]


# --- (b) production refuses to start without what it needs -----------------------------


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "ALERTS_PUBLIC_BASE_URL",
    ],
)
def test_production_refuses_to_start_without(tmp_path, missing):
    done = run_python("manage.py", production_env(tmp_path, **{missing: None}), "check")

    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert missing in done.stderr.strip().splitlines()[-1]


def test_production_refuses_to_start_with_debug_on(tmp_path):
    done = run_python("manage.py", production_env(tmp_path, DEBUG="true"), "check")

    assert done.returncode != 0
    assert "DEBUG" in done.stderr.strip().splitlines()[-1]


def test_production_refuses_demo_mode(tmp_path):
    """Demo people share a password and demo devices have derivable codes."""
    done = run_python("manage.py", production_env(tmp_path, DEMO_MODE="true"), "check")

    assert done.returncode != 0
    assert "DEMO_MODE" in done.stderr.strip().splitlines()[-1]


def test_without_debug_the_base_settings_refuse_to_start_without_a_secret_key(tmp_path):
    """Not only the production module: DEBUG off never falls back to a known key."""
    done = run_python(
        DUMP,
        {"DJANGO_SETTINGS_MODULE": "config.settings.base", "ALLOWED_HOSTS": "x.example.jp"},
    )

    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr.strip().splitlines()[-1]


def test_make_run_makes_its_own_key_once_and_shares_it_with_nobody():
    first = settings_of("config.settings.local")["SECRET_KEY"]
    second = settings_of("config.settings.local")["SECRET_KEY"]
    key_file = ROOT / "var" / "local-secret-key"
    assert first == second == key_file.read_text().strip()
    assert len(first) >= 50
    assert "dev-only" not in first
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only


@pytest.mark.smoke
def test_make_run_shows_the_japanese_404_not_the_debug_page(tmp_path):
    """An out-of-scope or unknown page under `make run` is the production page: in Japanese,
    with no list of the URL patterns."""
    code = (
        "import os, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.local')\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from django.test import Client\n"
        "response = Client(HTTP_HOST='127.0.0.1').get('/liaison/cards/424242/')\n"
        "print(response.status_code)\n"
        "print(response.content.decode())\n"
    )
    done = run_python(code, {"DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}"})
    assert done.returncode == 0, done.stderr
    status, _, body = done.stdout.partition("\n")
    # Not signed in: sent to sign in. An unknown address is the plain 404 page.
    assert status in ("302", "404")
    done = run_python(
        code.replace("/liaison/cards/424242/", "/no-such-page/"),
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}"},
    )
    status, _, body = done.stdout.partition("\n")
    assert status == "404"
    assert "ページが見つかりません" in body
    assert "URLconf" not in body and "Using the URLconf" not in body
    assert "DEBUG = True" not in body


# --- (c) `make run` needs nothing --------------------------------------------------------


@pytest.mark.smoke
def test_local_settings_start_with_no_environment_at_all():
    """manage.py and `make run`: DEBUG off, SQLite, tasks run at once, mail to the console."""
    check = run_python("manage.py", {}, "check")
    assert check.returncode == 0, check.stderr

    code = (
        "import os, sys, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.local')\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.mail import send_mail\n"
        "from accounts.tasks import ping\n"
        "db = settings.DATABASES['default']\n"
        "print('DEBUG', settings.DEBUG)\n"
        "print('ENGINE', db['ENGINE'], db['NAME'])\n"
        "print('TASK', ping.delay().get(timeout=5))\n"
        "send_mail('件名テスト', '本文', 'a@example.jp', ['b@example.jp'])\n"
    )
    done = run_python(code, {})

    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "DEBUG False" in out
    assert f"ENGINE django.db.backends.sqlite3 {ROOT / 'db.sqlite3'}" in out
    # No worker and no Redis are needed: the task ran in the process.
    assert "TASK pong" in out
    # The mail went to the console, where a developer reads it.
    assert "Subject:" in out
    assert "To: b@example.jp" in out


# --- (d) each environment variable changes its setting --------------------------------

LOCAL = "config.settings.local"


def test_local_defaults_are_the_embedded_ones():
    defaults = settings_of(LOCAL)

    assert defaults["DEBUG"] is False
    assert defaults["DB_ENGINE"] == "django.db.backends.sqlite3"
    assert defaults["CELERY_TASK_ALWAYS_EAGER"] is True
    assert defaults["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert defaults["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert defaults["LANGUAGE_CODE"] == "ja"
    assert defaults["TIME_ZONE"] == "Asia/Tokyo"
    assert defaults["USE_TZ"] is True
    assert defaults["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DEBUG", "true", {"DEBUG": True}),
        ("SECRET_KEY", "k" * 60, {"SECRET_KEY": "k" * 60}),
        (
            "ALLOWED_HOSTS",
            "a.example.jp,b.example.jp",
            {"ALLOWED_HOSTS": ["a.example.jp", "b.example.jp"]},
        ),
        (
            "DATABASE_URL",
            "postgres://liaison:pw@db.example.jp:5432/records",
            {
                "DB_ENGINE": "django.db.backends.postgresql",
                "DB_NAME": "records",
                "DB_HOST": "db.example.jp",
            },
        ),
        (
            "REDIS_URL",
            "redis://cache.example.jp:6380/3",
            {
                "REDIS_URL": "redis://cache.example.jp:6380/3",
                "CELERY_BROKER_URL": "redis://cache.example.jp:6380/3",
                "CELERY_RESULT_BACKEND": "redis://cache.example.jp:6380/3",
            },
        ),
        (
            "EMAIL_URL",
            "smtp://mailpit:1025",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "mailpit",
                "EMAIL_PORT": 1025,
            },
        ),
        ("CELERY_TASK_ALWAYS_EAGER", "false", {"CELERY_TASK_ALWAYS_EAGER": False}),
    ],
)
def test_an_environment_variable_changes_its_setting(variable, value, expected):
    # DEBUG off needs a key and hosts; give them so that only `variable` differs.
    base = {"SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "x.example.jp"}
    before = settings_of(LOCAL, **base)
    after = settings_of(LOCAL, **{**base, variable: value})

    changed = {name: after[name] for name in expected}
    assert changed == expected
    assert all(before[name] != after[name] for name in expected)


def test_the_test_settings_let_a_test_turn_eager_tasks_off():
    """tests/test_celery_worker.py starts a real worker with these settings."""
    assert settings_of("config.settings.test")["CELERY_TASK_ALWAYS_EAGER"] is True
    worker = settings_of("config.settings.test", CELERY_TASK_ALWAYS_EAGER="false")
    assert worker["CELERY_TASK_ALWAYS_EAGER"] is False


# --- docker-compose.yml ----------------------------------------------------------------


def test_the_compose_file_parses_and_shares_one_definition():
    import yaml  # a dev dependency: this check never skips

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))

    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(services)
    # web, worker and beat are one image with one environment (the YAML anchor).
    assert services["web"]["environment"] == services["worker"]["environment"]
    assert services["web"]["environment"] == services["beat"]["environment"]
    environment = services["web"]["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert "appendonly yes" in " ".join(services["redis"]["command"])
    assert "maxmemory-policy noeviction" in " ".join(services["redis"]["command"])
    for name in ("web", "worker", "postgres", "redis", "mailpit"):
        assert "healthcheck" in services[name], name
