"""`manage.py seed_demo`: a believable slice of a prefecture for demonstrations, laid from the
data of accounts.demo_people.

Everything goes through accounts.services, so the guardian grants are the real ones. Each
step looks its rows up by natural key first, so a second run changes nothing. Later issues
add cards and visits as further seed_* functions called from handle().

The names of the stations, posts and people are fictional.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.demo_people import (
    DEMO_DEVICE_NAME,
    DEPARTMENTS,
    HQ_NAME,
    PEOPLE,
    STATIONS,
)
from accounts.divisions import divisions_install
from accounts.models import (
    HQ_ROLES,
    Appointment,
    Beat,
    BeatAssignment,
    Department,
    Division,
    Headquarters,
    Post,
    Role,
    Station,
    User,
)


@dataclass
class Organisation:
    hq: Headquarters
    divisions: dict[str, Division] = field(default_factory=dict)  # by code
    stations: dict[str, Station] = field(default_factory=dict)
    departments: dict[tuple[str, str], Department] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)  # "<code>/<post name>"
    beats: dict[str, Beat] = field(default_factory=dict)  # "<code>/<post>/<beat>"

    def unit(self, key: str) -> Headquarters | Station | Post:
        if key == "hq":
            return self.hq
        return self.posts[key] if "/" in key else self.stations[key]


@dataclass(frozen=True)
class DemoLogin:
    employee_number: str
    full_name: str
    roles: str
    units: str
    can_do: str


def appointment_date() -> dt.date:
    """1 April of this fiscal year: the day of the yearly 人事異動."""
    today = timezone.localdate()
    return dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def demo_totp_key(employee_number: str) -> str:
    """A fixed TOTP key per demo user (40 hex digits), derived so that nobody stores it."""
    return salted_hmac("accounts.seed_demo.totp", employee_number, algorithm="sha1").hexdigest()


# --- Steps ---------------------------------------------------------------------------------


def seed_organisation() -> Organisation:
    hq, _ = Headquarters.objects.get_or_create(name=HQ_NAME)
    # HQ's divisions and the 総合当直: the alert desks of the people below are held there.
    org = Organisation(hq=hq, divisions=divisions_install(hq))
    for code, name, posts in STATIONS:
        station, _ = Station.objects.get_or_create(
            code=code, defaults={"headquarters": hq, "name": name}
        )
        org.stations[code] = station
        for kind, department_name in DEPARTMENTS:
            org.departments[(code, department_name)], _ = Department.objects.get_or_create(
                station=station, name=department_name, defaults={"kind": kind}
            )
        for kind, post_name, beat_names in posts:
            post, _ = Post.objects.get_or_create(
                station=station, name=post_name, defaults={"kind": kind}
            )
            org.posts[f"{code}/{post_name}"] = post
            for beat_name in beat_names:
                beat = Beat.objects.filter(post=post, name=beat_name).first()
                if beat is None:
                    # Through the service: the roles above the post gain the new beat.
                    beat = services.beat_create(actor=None, post=post, name=beat_name)
                org.beats[f"{code}/{post_name}/{beat_name}"] = beat
    return org


def seed_people(org: Organisation, *, password: str) -> list[User]:
    people = []
    for spec in PEOPLE:
        user = User.objects.filter(employee_number=spec.employee_number).first()
        if user is None:
            user = services.user_create(
                actor=None,
                employee_number=spec.employee_number,
                full_name=spec.full_name,
                full_name_kana=spec.full_name_kana,
                password=password,
            )
        people.append(user)
    return people


def seed_appointments(org: Organisation) -> None:
    starts_on = appointment_date()
    for spec in PEOPLE:
        user = User.objects.get(employee_number=spec.employee_number)
        for wanted in spec.appointments:
            unit = org.unit(wanted.unit)
            level = type(unit)._meta.model_name
            division = org.divisions[wanted.division] if wanted.division else None
            # Ended ones count too: an appointment HQ ended in the demo stays ended.
            if Appointment.objects.filter(
                user=user, role=wanted.role, division=division, **{level: unit}
            ).exists():
                continue
            station_code = wanted.unit.split("/")[0]
            services.appointment_start(
                actor=None,
                user=user,
                role=wanted.role,
                unit=unit,
                starts_on=starts_on,
                department=org.departments.get((station_code, wanted.department)),
                division=division,
                note="デモデータ",
            )


def seed_beat_assignments(org: Organisation) -> None:
    starts_on = appointment_date()
    for spec in PEOPLE:
        officer = User.objects.get(employee_number=spec.employee_number)
        for key in spec.beats:
            beat = org.beats[key]
            if BeatAssignment.objects.filter(officer=officer, beat=beat).exists():
                continue
            services.beat_assignment_start(
                actor=None, officer=officer, beat=beat, starts_on=starts_on
            )


def seed_totp_devices() -> list[str]:
    """HQ roles must use a second factor: give each HQ demo user a device whose code
    `manage.py demo_totp` can print. Only in DEMO_MODE, since the key is derivable."""
    if not settings.DEMO_MODE:
        return []
    numbers = []
    for spec in PEOPLE:
        if not any(a.role in HQ_ROLES for a in spec.appointments):
            continue
        user = User.objects.get(employee_number=spec.employee_number)
        TOTPDevice.objects.get_or_create(
            user=user,
            name=DEMO_DEVICE_NAME,
            defaults={"key": demo_totp_key(user.employee_number), "confirmed": True},
        )
        numbers.append(user.employee_number)
    return numbers


def demo_logins(org: Organisation) -> list[DemoLogin]:
    rows = []
    for spec in PEOPLE:
        units = []
        for a in spec.appointments:
            unit = org.unit(a.unit)
            name = f"{unit.station.name} {unit.name}" if isinstance(unit, Post) else unit.name
            section = org.divisions[a.division].name if a.division else a.department
            units.append(f"{name} {section}".strip())
        beats = "・".join(key.split("/")[-1] for key in spec.beats)
        can_do = "、".join(dict.fromkeys(a.phrase for a in spec.appointments))
        rows.append(
            DemoLogin(
                employee_number=spec.employee_number,
                full_name=spec.full_name,
                roles="・".join(Role(a.role).label for a in spec.appointments),
                units=" / ".join(dict.fromkeys(units)) + (f"（{beats}）" if beats else ""),
                can_do=can_do,
            )
        )
    return rows


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(rows: list[DemoLogin]) -> str:
    header = DemoLogin("職員番号", "氏名", "役職", "所属", "できること")
    table = [header, *rows]
    columns = ["employee_number", "full_name", "roles", "units"]
    widths = {c: max(_width(getattr(r, c)) for r in table) for c in columns}
    lines = []
    for row in table:
        cells = [_pad(getattr(row, c), widths[c]) for c in columns]
        lines.append("  ".join([*cells, row.can_do]))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "デモ用の組織・職員・発令・受持区を作成します（何度実行しても同じ結果）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="DEMO_MODE でなくても実行する（本番データベースには使わないこと）。",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEMO_MODE and not force:
            raise CommandError(
                "デモ環境ではない（DEMO_MODE=false）ためデモデータを作成しません。本当に作成する場合は --force を"
                "付けてください。 / Refusing to seed demo data outside DEMO_MODE; "
                "pass --force if you really mean it."
            )
        password = settings.DEMO_PASSWORD
        try:
            with transaction.atomic():
                org = seed_organisation()
                seed_people(org, password=password)
                seed_appointments(org)
                seed_beat_assignments(org)
                totp_users = seed_totp_devices()
                # Each other app seeds its own demo data (cards, members …): accounts
                # imports none of them, so it asks every app config for a seed_demo hook.
                for config in apps.get_app_configs():
                    if hasattr(config, "seed_demo"):
                        config.seed_demo()
        except ValidationError as exc:
            # A DEMO_PASSWORD that the password validators refuse, most likely.
            raise CommandError("デモデータを作成できません: " + " ".join(exc.messages)) from exc

        self.stdout.write(self.style.SUCCESS("デモデータを用意しました。 / Demo data is ready."))
        self.stdout.write("")
        self.stdout.write(format_table(demo_logins(org)))
        self.stdout.write("")
        self.stdout.write(f"パスワード（全員共通） / password for everyone: {password}")
        if totp_users:
            self.stdout.write(
                "本部の役職は二要素認証が必要です。確認コードは "
                "`python manage.py demo_totp <職員番号>` で表示できます"
                f"（対象: {', '.join(totp_users)}）。"
            )
        else:
            self.stdout.write(
                "デモ環境ではない（DEMO_MODE=false）ため本部職員のデモ用TOTPは作成していません。"
                "本部職員はサインイン後に二要素認証を設定してください。"
            )
