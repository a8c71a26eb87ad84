"""`manage.py demo_totp <職員番号>`: the current code of a demo user's TOTP device.

For demonstrations only: it refuses outside DEMO_MODE, where no demo device should exist.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo_people import DEMO_DEVICE_NAME


class Command(BaseCommand):
    help = (
        "デモ用職員の二要素認証の確認コード（6桁）を表示します（デモ環境 DEMO_MODE のときのみ）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("employee_number", help="職員番号")

    def handle(self, *args, employee_number: str, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "デモ環境ではない（DEMO_MODE=false）ため確認コードは表示しません。 / "
                "Refusing to print a TOTP code outside DEMO_MODE."
            )
        device = TOTPDevice.objects.filter(
            user__employee_number=employee_number, name=DEMO_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"職員番号 {employee_number} のデモ用TOTPがありません。先に "
                "`manage.py seed_demo` を実行してください（本部の役職の職員のみ）。 / "
                "No demo TOTP device for this employee number; run seed_demo first."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        remaining = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"（あと{remaining}秒有効 / valid for {remaining} more seconds）")
