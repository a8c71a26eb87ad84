"""`manage.py detect_anomalies [--date YYYY-MM-DD]`: find the anomaly cases of one day
(default yesterday, Tokyo) now, as the daily Celery beat task does, and print how many new
cases each rule made."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.audit.services import anomalies_detect
from accounts.models import AnomalyCase
from accounts.utils import dates


class Command(BaseCommand):
    help = "指定した日の閲覧記録から要確認事案を検出し、新しい事案の件数を表示します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="対象日（YYYY-MM-DD、東京時間）。省略時は前日。")

    def handle(self, *args, **options) -> None:
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date は YYYY-MM-DD の形式で指定してください。") from exc
        else:
            day = timezone.localdate() - dt.timedelta(days=1)
        if day > timezone.localdate():
            raise CommandError("未来の日付は指定できません。")
        counts = anomalies_detect(actor=None, day=day)
        total = sum(counts.values())
        self.stdout.write(
            f"{dates.date_ja(day)}の閲覧記録を調べました。新しい要確認事案：{total}件"
        )
        for kind, label in AnomalyCase.Kind.choices:
            self.stdout.write(f"  {label}：{counts.get(kind, 0)}件")
