"""`manage.py detect_anomalies` and the daily Celery task call the same detection."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from accounts.audit import tasks
from accounts.models import AnomalyCase
from tests.accounts.audit.anomaly_support import event, tokyo

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 10)


def run(*args: str) -> str:
    out = StringIO()
    call_command("detect_anomalies", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_new_cases_per_kind(world):
    event(world.beat_officer, tokyo(DAY, "05:30"), out_of_scope=True)
    printed = run("--date", "2026-06-10")
    assert "2026年6月10日の閲覧記録を調べました。新しい要確認事案：2件" in printed
    assert "  担当範囲外の閲覧：1件" in printed
    assert "  勤務時間外の閲覧：1件" in printed
    assert "  大量の出力：0件" in printed
    assert "新しい要確認事案：0件" in run("--date", "2026-06-10")
    assert AnomalyCase.objects.count() == 2


def test_without_a_date_it_looks_at_yesterday_in_tokyo(world):
    event(world.beat_officer, tokyo(DAY, "12:00"), out_of_scope=True)
    # 2026-06-11 00:30 in Tokyo is still June 10 in UTC: "yesterday" is Tokyo's.
    with time_machine.travel(dt.datetime(2026, 6, 10, 15, 30, tzinfo=dt.UTC)):
        printed = run()
    assert "2026年6月10日" in printed
    assert AnomalyCase.objects.get().day == DAY


@pytest.mark.parametrize(
    ("value", "message"),
    [("10/06/2026", "YYYY-MM-DD"), ("2999-01-01", "未来の日付は指定できません。")],
)
def test_a_wrong_date_is_refused(world, value, message):
    with pytest.raises(CommandError, match=message):
        run("--date", value)


def test_the_daily_task_returns_the_counts(world):
    event(world.beat_officer, tokyo(DAY, "12:00"), out_of_scope=True)
    counts = tasks.anomalies_detect("2026-06-10")
    assert counts[AnomalyCase.Kind.OUT_OF_SCOPE] == 1
    assert sum(counts.values()) == 1
