"""`manage.py access_log_purge [--before YYYY-MM-DD] [--dry-run]`: archive the access log
and the change history past retention (AUDIT_RETENTION_DAYS) to a signed file in
AUDIT_ARCHIVE_DIR, check it, and only then remove them (accounts.audit.retention); and erase
the personal data the apps keep for a set time only (a withdrawn liaison member's)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.audit import expiry, retention
from accounts.utils.dates import date_ja, datetime_ja


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--before の日付 {text!r} を読めません。2020-04-01 のように指定してください。"
        ) from None


class Command(BaseCommand):
    help = (
        "保存期間を過ぎた閲覧記録と変更履歴を、署名付きの保存ファイルに書き出して検証した後に"
        "削除します。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--before",
            metavar="YYYY-MM-DD",
            help="この日（東京時間の0時）より前を対象にします。既定は保存期間"
            "（AUDIT_RETENTION_DAYS）を過ぎた分。保存期間内の日付は指定できません。",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="対象の件数を表示するだけで、何も削除しません。"
        )

    def handle(self, *args, before: str | None = None, dry_run: bool = False, **options):
        limit = retention.default_cutoff()
        if before:
            day = _date(before)
            cutoff = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            if cutoff > limit:
                raise CommandError(
                    f"{date_ja(day)}より前を削除すると、保存期間（{settings.AUDIT_RETENTION_DAYS}日）"
                    f"内の記録が含まれます。{datetime_ja(limit)}以前の日付を指定してください。"
                )
        else:
            cutoff = limit
        for label, count in expiry.personal_data_expire(now=timezone.now(), dry_run=dry_run):
            verb = "削除する予定" if dry_run else "削除しました"
            self.stdout.write(f"保存期間を過ぎた個人情報（{label}）: {count}件を{verb}。")
        try:
            result = retention.access_log_purge(cutoff=cutoff, dry_run=dry_run)
        except retention.RetentionRefused as exc:
            raise CommandError(exc.message) from None

        plan = result.plan
        self.stdout.write(f"閲覧記録の連鎖を検証しました（{result.checked}件、異常なし）。")
        self.stdout.write(f"対象: {datetime_ja(cutoff)}より前の記録")
        if plan.empty:
            self.stdout.write("保存期間を過ぎた記録はありません。何も削除していません。")
            return
        verb = "削除する予定" if dry_run else "削除しました"
        self.stdout.write(f"閲覧記録 {plan.event_count}件")
        for span in plan.spans:
            self.stdout.write(
                f"  系列{span.chain}: {span.first}番〜{span.last}番（{span.count}件）"
            )
        self.stdout.write(f"変更履歴 {plan.history_count}件")
        for part in plan.history:
            self.stdout.write(f"  {part.label}: {part.count}件")
        if dry_run:
            self.stdout.write(
                f"以上を{verb}です（--dry-run のため、何も書き出さず何も削除していません）。"
            )
            return
        archive, purge = result.archive, result.purge
        if archive is None or purge is None:  # not dry-run and not empty: both are set
            raise CommandError("削除の結果を取得できませんでした。")
        self.stdout.write(f"保存ファイル: {archive.path}")
        self.stdout.write(f"目録（署名付き）: {archive.manifest_path}")
        self.stdout.write(f"SHA-256: {archive.sha256}")
        self.stdout.write(
            "保存ファイルを読み直し、SHA-256・署名・件数・ハッシュの連鎖を確認しました。"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"閲覧記録 {purge.event_count}件と変更履歴 {purge.history_count}件を"
                f"{verb}（削除記録 No.{purge.pk}）。"
            )
        )
