"""`manage.py progress_rollup_rebuild [--station CODE] [--check]`: count the progress
figures' rollup (liaison.visits.tally) again from the visits, in one transaction; or, with
--check, only say where it differs from them (exit status 1 if anywhere)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Sum

from accounts.models import Station
from accounts.utils import dates
from liaison.visits.models import VisitTally
from liaison.visits.tally import COUNTS, visit_tally_check, visit_tally_rebuild

LABELS = [str(VisitTally._meta.get_field(name).verbose_name) for name in COUNTS]  # type: ignore[union-attr]
SHOWN = 20


class Command(BaseCommand):
    help = (
        "進捗の集計（受持区・受持警察官・月ごとの巡回連絡の件数）を巡回連絡の記録から作り直します。"
        "何度実行しても同じ結果になります。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--station", help="この警察署（署コード）の集計だけを対象にします。省略時は全署。"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="作り直さず、集計と巡回連絡の記録との差異だけを報告します（差異があれば終了コード 1）。",
        )

    def handle(self, *args: str, **options: Any) -> None:
        station = None
        if options["station"]:
            station = Station.objects.filter(code=options["station"]).first()
            if station is None:
                raise CommandError(f"署コード「{options['station']}」の警察署はありません。")
        where = station.name if station else "全署"
        station_id = station.pk if station else None
        if options["check"]:
            self._check(where, station_id)
            return
        started = time.perf_counter()
        rows = visit_tally_rebuild(station_id=station_id)
        tallies = VisitTally.objects.all()
        if station_id is not None:
            tallies = tallies.filter(station_id=station_id)
        visits = tallies.aggregate(total=Sum("visits"))["total"] or 0
        self.stdout.write(
            self.style.SUCCESS(
                f"進捗の集計を作り直しました（{where}、{rows:,} 行、巡回連絡 {visits:,} 件、"
                f"{time.perf_counter() - started:.1f} 秒）。"
            )
        )

    def _check(self, where: str, station_id: int | None) -> None:
        differences = visit_tally_check(station_id=station_id)
        if not differences:
            self.stdout.write(
                self.style.SUCCESS(f"進捗の集計は巡回連絡の記録と一致しています（{where}）。")
            )
            return
        for difference in differences[:SHOWN]:
            station, book, officer, month = difference.key
            changed = "、".join(
                f"{label} {found}（正しくは {expected}）"
                for label, found, expected in zip(
                    LABELS, difference.found, difference.expected, strict=True
                )
                if found != expected
            )
            self.stdout.write(
                f"  警察署 {station}・巡回連絡簿 {book}・受持警察官 {officer}・"
                f"{dates.month_ja(month)}：{changed}"
            )
        if len(differences) > SHOWN:
            self.stdout.write(f"  ほか {len(differences) - SHOWN:,} 件")
        raise CommandError(
            f"進捗の集計に巡回連絡の記録との差異が {len(differences):,} 件あります（{where}）。"
            "manage.py progress_rollup_rebuild で作り直してください。",
            returncode=1,
        )
