"""`python -m bench.load [--users 50] [--seconds 60] …`: the production server under load.

1. The bench station must be in the bench database (BENCH_DATABASE_URL): it is looked up,
   and generated the way `python -m bench.run` does only when it is missing. The station's
   beat officers (one per beat) and the 本部監査担当 are made through the services if they
   are not there yet, as the bench's visits and audit measures make them; the auditor gets
   a confirmed TOTP device whose key the simulated auditor computes codes from.
2. A plan (who signs in, which cards of whose beat, which searches) is written to a
   temporary folder, the static files collected there (WhiteNoise's manifest), and gunicorn
   started with the project's config (docker/gunicorn.conf.py) and bench/load/settings.py
   (production's settings) on a free port of 127.0.0.1.
3. Two phases, each in its own process (bench/load/drive.py, Locust): the mix of officers,
   the 地域課長 and the auditor for --seconds, then the empty signed-in page
   (bench/floor.py) for --floor-seconds with no think time, the server's ceiling.
4. gunicorn is stopped, the figures printed and merged into bench/results.json under
   "load". Exit 1 if any request failed.

Nothing is sent beyond 127.0.0.1: the server listens there, mail goes to the console and
tasks to the local Redis (REDIS_URL).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.load.server import SETTINGS, Server

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results.json"
PLAN_CARDS = 200  # cards of each officer's beat his simulated visits and pages draw from
SEARCH_TERMS = 30  # the most common family names, as officers would type them
AUDIT_DAYS = 20


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--users", type=int, default=50, help="同時に使う人数（既定 50）")
    parser.add_argument("--seconds", type=float, default=60, help="計測する秒数（既定 60）")
    parser.add_argument("--spawn-rate", type=float, default=10, help="1秒に加わる人数（既定 10）")
    parser.add_argument(
        "--wait",
        default="1,3",
        help="ページとページの間に考える秒数の範囲（既定 1,3）",
    )
    parser.add_argument(
        "--floor-seconds", type=float, default=20, help="空のページを計測する秒数（既定 20）"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn のワーカー数（既定 docker/gunicorn.conf.py のとおり、WEB_CONCURRENCY か 3）",
    )
    parser.add_argument(
        "--cards",
        type=int,
        default=50_000,
        help="ベンチのデータがないときに作るカード件数（既定 50000。あるデータは作り直さない）",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="結果の JSON ファイル")
    options = parser.parse_args(argv)
    try:
        low, high = (float(x) for x in options.wait.split(","))
    except ValueError:
        parser.error("--wait は「1,3」のように最小と最大の秒数を指定してください。")
    if not 0 <= low <= high:
        parser.error("--wait は 0 以上で、最小 ≦ 最大にしてください。")
    options.wait = [low, high]
    if options.users < 3:
        parser.error("--users は 3 以上にしてください（地域課長・監査担当・受持警察官）。")
    return options


# --- The data ------------------------------------------------------------------------------


def _world(options: argparse.Namespace):
    """The bench station, generated only when it is missing (never regenerated)."""
    from bench import generate

    world = generate._world_find()
    if world is None:
        print(
            f"ベンチのデータ（{generate.STATION_NAME}）がないため、python -m bench.run と同じ手順で"
            f"作成します（カード {options.cards:,} 件）。"
        )
        world = generate.world_ensure(cards=options.cards, members=options.cards * 3, keep=True)
    return world


def _people(world) -> tuple[dict[int, Any], Any]:
    """Beat id -> officer, and the auditor, made through the services where missing (the
    same functions as bench/measures/visits.py and audit.py)."""
    from accounts.models import User
    from bench.measures import audit, visits

    visits._policy(world)
    officer_ids = visits._officers(world)
    users = User.objects.in_bulk(list(officer_ids.values()))
    return {beat: users[user] for beat, user in officer_ids.items()}, audit._auditor(world)


def _sign_in_ready(users: list[Any]) -> None:
    """What signing in through the form needs of the generated people: a password hashed
    as production hashes it (the bench generates with the test settings' fast hasher,
    which production does not accept; bench.run signs in without it), and no lock left by
    an earlier run that failed (django-axes)."""
    from axes.utils import reset
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from accounts.models import User
    from bench.generate import PASSWORD

    # The hasher itself: the bench's settings (the test settings) list only MD5.
    argon2 = Argon2PasswordHasher()
    stale = [u for u in users if not u.password.startswith(f"{argon2.algorithm}$")]
    if stale:
        print(f"サインイン用に {len(stale)} 人のパスワードを本番と同じ方式（Argon2）で保存します。")
        hashed = argon2.encode(PASSWORD, argon2.salt())
        User.objects.filter(pk__in=[u.pk for u in stale]).update(password=hashed)
    for user in users:
        reset(username=user.employee_number)


def _totp_key(user) -> str:
    """The key of the auditor's confirmed device (the one sign-in asks a code of), made
    if he has none, with its throttling cleared."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="ベンチ端末", confirmed=True)
    device.throttle_reset(commit=True)
    return device.key


def _data_counts(world) -> dict[str, int]:
    """Cards of the station, visits and access events (the planner's estimate for the
    ten million, a count(*) would take seconds)."""
    from django.db import connection

    from accounts.models import AccessEvent
    from liaison.visits.models import Visit

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [AccessEvent._meta.db_table],
        )
        events = max(0, cursor.fetchone()[0])
    return {
        "cards": world.cards,
        "visits": Visit.objects.filter(station=world.station).count(),
        "access_events_estimate": events,
    }


def _template(name: str, **kwargs: Any) -> str:
    """A path with `{pk}` where the id goes, from the URL name."""
    from django.urls import reverse

    marker = 987654321
    return reverse(name, kwargs=dict.fromkeys(kwargs, marker) or None).replace(str(marker), "{pk}")


def _plan(world, officers: dict[int, Any], auditor, options) -> dict[str, Any]:
    import jaconv
    from django.urls import reverse
    from django.utils import timezone

    from bench import names
    from liaison.cards.models import LiaisonCard

    rng = random.Random(15)
    plan_officers = []
    for beat_id, officer in officers.items():
        ids = list(
            LiaisonCard.objects.filter(
                book_id=beat_id, status="filed", kind__in=["household", "business"]
            ).values_list("pk", flat=True)
        )
        filed = LiaisonCard.objects.filter(book_id=beat_id, status="filed").count()
        plan_officers.append(
            {
                "number": officer.employee_number,
                "book": beat_id,
                "pages": math.ceil(filed / 50),
                "cards": rng.sample(ids, min(PLAN_CARDS, len(ids))),
            }
        )
    station_cards = list(
        LiaisonCard.objects.filter(station=world.station).values_list("pk", flat=True)
    )
    today = timezone.localdate()
    return {
        "password": _password(),
        "wait": options.wait,
        "urls": {
            "login": reverse("accounts:login"),
            "otp": reverse("accounts:otp_verify"),
            "book": _template("liaison:book_detail", pk=1),
            "worklist": reverse("liaison:worklist"),
            "search": reverse("liaison:card_search"),
            "card": _template("liaison:card_detail", pk=1),
            "visit": _template("liaison:visit_create", pk=1),
            "progress": _template("liaison:station_progress", pk=1),
            "night": reverse("liaison:night_request_list"),
            "hours": reverse("liaison:visit_hours_list"),
            "submitted": reverse("liaison:submitted_list"),
            "audit": reverse("accounts:audit_event_list"),
            "floor": reverse("bench_floor"),
        },
        "officers": plan_officers,
        "chief": {"number": world.chief.employee_number, "station": world.station.pk},
        "auditor": {
            "number": auditor.employee_number,
            "totp_key": _totp_key(auditor),
            "people": [o["number"] for o in plan_officers] + [world.chief.employee_number],
            "cards": rng.sample(station_cards, min(100, len(station_cards))),
            "days": [
                (today - timezone.timedelta(days=d)).isoformat()
                for d in sorted(rng.sample(range(1, 61), AUDIT_DAYS))
            ],
        },
        # たかは, さとう …: the first three kana of the most common names, in hiragana.
        "search": sorted(
            {
                jaconv.kata2hira(kana.replace(" ", ""))[:3]
                for _, kana in names.FAMILY_NAMES[:SEARCH_TERMS]
            }
        ),
    }


def _password() -> str:
    from bench.generate import PASSWORD

    return PASSWORD


def _phase(tmp: Path, plan: Path, phase: str, users: int, rate: float, seconds: float) -> dict:
    out = tmp / f"{phase}.json"
    label = "混在の利用" if phase == "mix" else "空のページ"
    print(f"計測中：{label}（{users} 人、{seconds:g} 秒）…", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load.drive",
            "--plan",
            str(plan),
            "--phase",
            phase,
            "--users",
            str(users),
            "--spawn-rate",
            str(rate),
            "--seconds",
            str(seconds),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    return json.loads(out.read_text(encoding="utf-8"))


# --- Report --------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _table(rows: list[tuple[str, dict]]) -> str:
    head = ["page", "requests", "rps", "median ms", "p95 ms", "errors"]
    body = [
        [
            name,
            _fmt(f["requests"]),
            _fmt(f["rps"]),
            _fmt(f["median_ms"]),
            _fmt(f["p95_ms"]),
            _fmt(f["errors"]),
        ]
        for name, f in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, body)])


def _write(path: Path, entry: dict[str, Any]) -> None:
    """Merge under "load": the other entries (bench.run's) stay as they were."""
    from bench.run import results_read, results_write

    data = results_read(path)
    data["load"] = entry
    results_write(path, data)


def main(argv: list[str] | None = None) -> int:
    options = _options(argv)
    from bench.run import _setup

    _setup()
    world = _world(options)
    officers, auditor = _people(world)
    _sign_in_ready([*officers.values(), world.chief, auditor])
    counts = _data_counts(world)
    print(
        f"{world.station.name}：カード {counts['cards']:,} 件、巡回連絡 {counts['visits']:,} 件、"
        f"閲覧記録 約 {counts['access_events_estimate']:,} 件、受持警察官 {len(officers)} 人"
    )
    if not counts["visits"]:
        print("（巡回連絡の記録がありません。make bench を一度実行すると 50 万件が作られます。）")

    with tempfile.TemporaryDirectory(prefix="liaison-load-") as name:
        tmp = Path(name)
        server = Server(tmp, options.workers)
        plan = tmp / "plan.json"
        plan.write_text(
            json.dumps({**_plan(world, officers, auditor, options), "host": server.url}),
            encoding="utf-8",
        )
        # The bench process holds a connection; the server's workers open their own.
        from django.db import connections

        connections.close_all()
        try:
            server.start()
            workers = server.workers
            mix = _phase(tmp, plan, "mix", options.users, options.spawn_rate, options.seconds)
            floor = _phase(
                tmp, plan, "floor", options.users, options.spawn_rate, options.floor_seconds
            )
        except (subprocess.CalledProcessError, RuntimeError) as exc:
            print(f"負荷試験を完了できませんでした：{exc}", file=sys.stderr)
            print(server.tail(), file=sys.stderr)
            return 1
        finally:
            server.stop()

    floor_page = floor["pages"].get("floor (empty page)", {})
    entry = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "server": {
            "gunicorn_config": "docker/gunicorn.conf.py",
            "settings": SETTINGS,
            "workers": workers,
            "cpu_count": os.cpu_count(),
        },
        "users": options.users,
        # Who they are: the 地域課長 and the auditor once each, the rest beat officers over
        # the station's officer accounts (several sessions each).
        "people": {
            "beat_officers": options.users - 2,
            "officer_accounts": len(officers),
            "chief": 1,
            "auditor": 1,
        },
        "spawn_rate": options.spawn_rate,
        "wait_seconds": options.wait,
        "seconds": mix["seconds"],
        "requests": mix["requests"],
        "rps": mix["rps"],
        "median_ms": mix["median_ms"],
        "p95_ms": mix["p95_ms"],
        "errors": mix["errors"] + mix["sign_in_errors"],
        "pages": mix["pages"],
        "sign_in": mix["sign_in"],
        "generator_cpu": mix["generator_cpu"],
        "floor": {
            "users": floor["users"],
            "seconds": floor["seconds"],
            "wait_seconds": [0, 0],
            "rps": floor_page.get("rps"),
            "median_ms": floor_page.get("median_ms"),
            "p95_ms": floor_page.get("p95_ms"),
            "errors": floor["errors"] + floor["sign_in_errors"],
            "generator_cpu": floor["generator_cpu"],
        },
        "data": counts,
    }
    print()
    print(
        f"混在の利用：{options.users} 人、{mix['seconds']:g} 秒、考える時間 "
        f"{options.wait[0]:g}〜{options.wait[1]:g} 秒、gunicorn ワーカー {workers}"
    )
    print(_table([*mix["pages"].items(), ("(all)", mix)]))
    print(
        f"\n空のページ（考える時間なし、{floor['seconds']:g} 秒）：{_fmt(floor_page.get('rps'))} 件/秒、"
        f"中央値 {_fmt(floor_page.get('median_ms'))} ms、p95 {_fmt(floor_page.get('p95_ms'))} ms"
    )
    print(
        f"負荷をかける側の CPU：{mix['generator_cpu']} コア（混在）、{floor['generator_cpu']} コア（空のページ）"
    )
    _write(options.output, entry)
    print(f'\n{options.output} の "load" に書き込みました。')
    errors = entry["errors"] + entry["floor"]["errors"]
    if errors:
        samples = mix["error_samples"] + floor["error_samples"]
        print(f"エラーが {errors} 件ありました（0 件であるべきです）：", file=sys.stderr)
        for sample in samples[:20]:
            print(f"  {sample}", file=sys.stderr)
        return 1
    return 0
