"""`manage.py verify_access_log [--date YYYY-MM-DD]`: prove the access log whole, or name
the first broken link (exit status 1)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.audit.services import access_log_verify


class Command(BaseCommand):
    help = "閲覧記録のハッシュの連鎖を検証し、最初の異常箇所を報告します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            help="この日（YYYY-MM-DD）の記録が占める範囲だけを検証します。省略時は全記録。",
        )
        parser.add_argument(
            "--no-notify", action="store_true", help="異常があっても監査担当者へ通知しません。"
        )

    def handle(self, *args, **options) -> None:
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date は YYYY-MM-DD の形式で指定してください。") from exc
        check = access_log_verify(actor=None, day=day, notify=not options["no_notify"])
        if not check.ok:
            raise CommandError(f"異常：{check.message}", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"正常：{check.message}"))
