"""`manage.py verify_access_archive <目録.manifest.json>`: check an archive written by
access_log_purge: the manifest's signature, the file's SHA-256 and size, the rows per table
and chain, and the hash links of the archived access events."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.audit import retention


class Command(BaseCommand):
    help = "保存期間経過で書き出した保存ファイルを、目録の署名とSHA-256で検証します。"

    def add_arguments(self, parser):
        parser.add_argument("manifest", help="目録ファイル（*.manifest.json）のパス")

    def handle(self, *args, manifest: str, **options):
        check = retention.archive_verify(manifest)
        if not check.ok:
            for problem in check.problems:
                self.stderr.write(f"異常: {problem}")
            raise CommandError(
                f"保存ファイルの検証に失敗しました（{len(check.problems)}件の異常）。"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"正常: 署名とSHA-256が一致し、閲覧記録 {check.events}件（ハッシュの連鎖を含む）と"
                f"変更履歴 {check.history}件が目録のとおりです。"
            )
        )
