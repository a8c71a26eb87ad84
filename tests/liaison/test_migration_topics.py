"""Issue 10 point 14: the visits recorded before the topics of 要領 第5-4 became a choice stay
readable. Migration liaison 0008 turns each ticked topic into 指導連絡 (the old form asked for
「指導連絡の項目」), in the visits and in their history rows alike, and back again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from liaison.visits import services
from liaison.visits.models import Visit, VisitOutcome

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("liaison", "0007_search_names_fold_variants")  # the one before 0008
AFTER = ("liaison", "0008_visit_rules_and_instructions")
TOPICS = ["topic_trends", "topic_local", "topic_first_aid", "topic_procedures", "topic_other"]


def migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def migrate_to_latest() -> None:
    """Back to every app's last migration: later tests in this process need the schema
    whole (migrating forward to AFTER alone would leave the migrations after it undone)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def topic_row(table: str, pk: int) -> tuple:
    key = "history_id" if table.startswith("liaison_historical") else "id"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(TOPICS)} FROM {table} WHERE {key} = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()


def test_old_ticks_read_as_guidance_after_the_migration(world):
    from tests.liaison.conftest import make_household

    card = make_household(
        world.beat_officer, world.beat_a1_1, made_at=timezone.now() - dt.timedelta(days=3)
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    start = dt.datetime.combine(yesterday, dt.time(10, 0), tzinfo=timezone.get_current_timezone())
    visit = services.visit_record(
        actor=world.beat_officer,
        card=card,
        started_at=start,
        ended_at=start,
        outcome=VisitOutcome.MET,
        topics={"topic_trends": "information", "topic_other": "report_request"},
    )
    history_id = visit.history.get().history_id

    migrate(BEFORE)
    try:
        # The old shape: a tick wherever a topic was covered.
        ticked = (True, False, False, False, True)
        assert topic_row("liaison_visit", visit.pk) == ticked
        assert topic_row("liaison_historicalvisit", history_id) == ticked
        # A visit recorded before issue 10 ticked (1) and (3).
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE liaison_visit SET topic_trends = true, topic_first_aid = true, "
                "topic_other = false WHERE id = %s",
                [visit.pk],
            )
    finally:
        migrate_to_latest()

    old = Visit.objects.get(pk=visit.pk)
    assert [label for label, _ in old.topics] == [
        "最近における犯罪、事故及び災害の傾向並びにその被害の防止方法",
        "犯罪等の発生時における応急措置及び緊急の連絡方法",
    ]
    assert {way for _, way in old.topics} == {"指導連絡"}
    assert topic_row("liaison_historicalvisit", history_id) == (
        "guidance",
        "",
        "",
        "",
        "guidance",
    )
