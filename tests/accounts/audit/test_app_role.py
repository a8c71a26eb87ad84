"""The database role production connects as (docker/postgres/app-grants.sql, shown in the
README) may read and add access events, and nothing else, even with the purge setting."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.conftest import build_world

pytestmark = pytest.mark.postgres

GRANTS = Path(__file__).resolve().parents[3] / "docker" / "postgres" / "app-grants.sql"
ROLE = "liaison_app_test"


@pytest.fixture
def app_connection(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {ROLE}" if _role_exists() else "SELECT 1")
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
        cursor.execute(f"CREATE ROLE {ROLE} LOGIN")
        cursor.execute(GRANTS.read_text().replace("liaison_app", ROLE))
    settings = connection.settings_dict
    conn = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=ROLE,
        autocommit=True,
    )
    yield conn
    conn.close()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {ROLE}")
        cursor.execute(f"DROP ROLE {ROLE}")


def _role_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE])
        return cursor.fetchone() is not None


INSERT = """
INSERT INTO accounts_accessevent (occurred_at, user_id, username, role, action, object_type,
    object_id, outcome, summary, request_id, out_of_scope, break_glass, chain, seq,
    prev_hash, hash)
VALUES (now(), %s, '100001', '受持警察官', 'view', 'liaison.liaisoncard', '1', 'success',
    'カードの閲覧', '', false, false, 0, 0, '', '')
RETURNING id, seq, hash
"""


def test_the_application_role_reads_and_adds_but_never_changes_the_log(app_connection):
    world = build_world()
    cursor = app_connection.cursor()
    event_id, seq, hash_ = cursor.execute(INSERT, [world.beat_officer.pk]).fetchone()
    assert seq >= 1 and len(hash_) == 64  # chained by the trigger, as the role's own insert
    for statement in (
        "UPDATE accounts_accessevent SET summary = 'x' WHERE id = %s",
        "DELETE FROM accounts_accessevent WHERE id = %s",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            cursor.execute(statement, [event_id])
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
        cursor.execute("TRUNCATE accounts_accessevent")
    # The purge setting opens the trigger, not the privilege.
    cursor.execute("SET accounts.access_log_purge = 'on'")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
        cursor.execute("DELETE FROM accounts_accessevent WHERE id = %s", [event_id])
    assert cursor.execute(
        "SELECT count(*) FROM accounts_accessevent WHERE id = %s", [event_id]
    ).fetchone() == (1,)
    # The rest of the application's tables stay writable.
    cursor.execute("UPDATE accounts_user SET full_name = full_name WHERE id = %s", [world.chief.pk])
