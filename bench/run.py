"""`python -m bench.run [--cards 50000] [--repeat N] [--only name,...] [--keep] [--fresh]`

Creates and migrates the benchmark database if needed (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/liaison_bench), generates the station unless it is
already there with the expected counts, signs in as the station's 地域課長 and times every
measure next to its raw SQL baseline, the floor (a signed-in page that shows nothing) first
whenever a page is measured. Prints a table and merges bench/results.json, each page with
the floor beside it and whether its query count meets the target (at most 10, the same as
on a small station given by --small-queries). Exits 1 if a measured page did not answer 200.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

RESULTS = Path(__file__).resolve().parent / "results.json"
# Issue 15's target: at most this many queries on every measured page, whatever the data.
QUERY_TARGET = 10


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--cards", type=int, default=50_000, help="カード件数（既定 50000）")
    parser.add_argument(
        "--members", type=int, default=None, help="世帯員の人数（既定 カード件数の3倍）"
    )
    parser.add_argument("--repeat", type=int, default=30, help="各計測の繰返し回数（既定 30）")
    parser.add_argument("--warmup", type=int, default=3, help="計測前の空打ち回数（既定 3）")
    parser.add_argument("--only", default="", help="計測する項目名（カンマ区切り）")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="件数が指定と違っても、データベースにあるデータをそのまま使う（作り直さない）",
    )
    parser.add_argument("--fresh", action="store_true", help="データを必ず作り直す")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="各ページで最も遅いクエリの EXPLAIN ANALYZE を表示する",
    )
    parser.add_argument(
        "--queries", action="store_true", help="各ページの全クエリ（時間つき）を表示する"
    )
    parser.add_argument("--seed", type=int, default=3, help="乱数の種（既定 3）")
    parser.add_argument("--output", type=Path, default=RESULTS, help="結果の JSON ファイル")
    parser.add_argument(
        "--small-queries",
        type=Path,
        default=None,
        help="小さな署で計測した結果の JSON（各ページのクエリ数が同じかを確かめる）",
    )
    options = parser.parse_args(argv)
    if options.members is None:
        options.members = options.cards * 3
    if options.cards < 100:
        parser.error("--cards は 100 以上にしてください。")
    return options


def _database_ensure(url: str) -> None:
    """CREATE DATABASE if it does not exist, through the server's maintenance database."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"データベース {name} を作成しました。")


def _setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    from bench.settings import DEFAULT_DATABASE_URL

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("BENCH_DATABASE_URL には PostgreSQL を指定してください。")
    _database_ensure(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _client_for(user):
    """A client signed in as `user`, past the second factor if the settings demand it
    (as tests/test_role_url_matrix.py client_for does)."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import permissions

    client = Client()
    client.force_login(user)
    if permissions.requires_two_factor(user, required_for_all=settings.OTP_REQUIRED_FOR_ALL):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="ベンチ端末", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _queries_mark(result) -> str:
    """ok, over (more than QUERY_TARGET) or ≠small (not the small station's count)."""
    if "queries_ok" not in result.extra:
        return ""
    if result.extra["queries_ok"]:
        return "ok"
    if result.queries is not None and result.queries > QUERY_TARGET:
        return "over"
    return "≠small"


def _floor_report(results, pages: set[str], small: dict) -> None:
    """Beside every page: the floor's median of this run (`floor_ms`), the page's median
    above it (`over_floor_ms`), and whether its query count meets the target: at most
    QUERY_TARGET, and the same as on the small station when its results are given
    (`queries_small`). Code measures (verification, recording, the fan-out) are no
    requests: they get neither."""
    floor = next((r for r in results if r.name == "floor" and not r.failure), None)
    for r in results:
        if r.failure or r.name not in pages or r.median_ms is None:
            continue
        if floor is not None:
            r.extra["floor_ms"] = floor.median_ms
            r.extra["over_floor_ms"] = round(r.median_ms - floor.median_ms, 2)
        small_queries = small.get(r.name, {}).get("queries")
        if small_queries is not None:
            r.extra["queries_small"] = small_queries
        r.extra["queries_ok"] = (
            r.queries is not None
            and r.queries <= QUERY_TARGET
            and (small_queries is None or small_queries == r.queries)
        )


def _small_results(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        sys.exit(f"{path} を読めません：{exc}")


def _table(results) -> str:
    head = [
        "measure",
        "median ms",
        "p95 ms",
        "over floor",
        "queries",
        "≤10",
        "baseline ms",
        "ratio",
        "notes",
    ]
    rows = []
    for r in results:
        if r.failure:
            rows.append([r.name, "—", "—", "—", "—", "", "—", "—", f"skipped: {r.failure}"])
            continue
        notes = [f"sql {_fmt(r.extra.get('sql_ms'))} ms", f"n={r.extra['repeat']}"]
        if "peak_kib" in r.extra:
            notes.append(f"peak {r.extra['peak_kib']:,} KiB")
        if "rss_growth_kib" in r.extra:
            notes.append(f"rss +{r.extra['rss_growth_kib']:,} KiB")
        notes.append(f"{r.extra['baseline_rows']:,} rows")
        rows.append(
            [
                r.name,
                _fmt(r.median_ms),
                _fmt(r.p95_ms),
                _fmt(r.extra.get("over_floor_ms")),
                _fmt(r.queries),
                _queries_mark(r),
                _fmt(r.baseline_ms, 2),
                f"{r.ratio:.1f}×" if r.ratio is not None else "—",
                ", ".join(notes),
            ]
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    numeric = {1, 2, 3, 4, 6, 7}

    def line(cells) -> str:
        return "  ".join(
            str(c).rjust(w) if i in numeric else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


def _meta(world, options) -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    meta = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cards": world.cards,
        "members": world.members,
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": server,
    }
    if world.generated_seconds is not None:
        meta["generated_seconds"] = round(world.generated_seconds, 1)
    return meta


def results_read(path: Path) -> dict:
    """What results.json holds (nothing if it is missing or unreadable)."""
    if path.exists():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            print(f"{path} を読めないため、新しく書き直します。")
    return {}


def results_write(path: Path, data: dict) -> None:
    """Written whole to a neighbour, then moved over: a run stopped midway leaves the old file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def _write(path: Path, results, meta: dict) -> None:
    """Merge into the existing file: other issues' entries stay as they were."""
    data = results_read(path)
    old = data.get("_meta", {})
    same_data = (old.get("cards"), old.get("members")) == (meta["cards"], meta["members"])
    if "generated_seconds" not in meta and same_data and "generated_seconds" in old:
        # The data was made by an earlier run: its generation time still describes it.
        meta["generated_seconds"] = old["generated_seconds"]
    data["_meta"] = meta
    for r in results:
        if not r.failure:
            data[r.name] = {**r.as_json(), "measured_at": meta["date"]}
    results_write(path, data)


def main(argv: list[str] | None = None) -> int:
    options = _options(argv)
    _setup()

    from bench import generate, measures
    from bench.harness import Measure, measure_run
    from bench.measures.floor import FLOOR

    # Names are checked before anything is generated: a typo costs no minute of data.
    wanted = {n.strip() for n in options.only.split(",") if n.strip()}
    modules = measures.modules()
    selected = [m for module in modules for m in module.MEASURES if not wanted or m.name in wanted]
    unknown = wanted - {m.name for m in selected}
    if unknown:
        known = ", ".join(m.name for module in modules for m in module.MEASURES)
        print(f"不明な計測項目：{', '.join(sorted(unknown))}（計測項目：{known}）", file=sys.stderr)
        return 2
    # The floor first, in every run that measures a page: each page is reported beside it.
    pages = {m.name for m in selected if isinstance(m, Measure)}
    selected = [m for m in selected if m is not FLOOR]
    if pages:
        selected.insert(0, FLOOR)
        pages.add(FLOOR.name)
    small = _small_results(options.small_queries)

    started = time.perf_counter()
    world = generate.world_ensure(
        cards=options.cards,
        members=options.members,
        fresh=options.fresh,
        keep=options.keep,
        seed=options.seed,
    )
    if world.generated_seconds is not None:
        print(f"データを作成しました：{world.generated_seconds:.1f} 秒")
    else:
        print(f"既存のデータを使います（{time.perf_counter() - started:.1f} 秒で確認）")
    print(
        f"{world.station.name}：カード {world.cards:,} 件、世帯員 {world.members:,} 人、"
        f"受持区 {world.measured_book.beat.name}（{world.measured_book.cards.count():,} 件）"
    )

    # Only what the chosen measures stand on: the audit's ten million events are not made
    # for a run of the book page alone.
    for module in modules:
        chosen = any(m in selected for m in module.MEASURES)
        if hasattr(module, "prepare") and chosen:
            module.prepare(world, options)

    clients = {world.chief.pk: _client_for(world.chief)}
    results = []
    for measure in selected:
        user = measure.as_user(world) if measure.as_user else world.chief
        if user.pk not in clients:
            clients[user.pk] = _client_for(user)
        client = clients[user.pk]
        print(f"計測中：{measure.name} {measure.title}", flush=True)
        # A measure may time itself (code rather than a page: bench/measures/audit.py).
        run = getattr(measure, "run", None) or functools.partial(measure_run, measure)
        result = run(
            world=world,
            client=client,
            repeat=options.repeat,
            warmup=options.warmup,
            explain=options.explain,
        )
        results.append(result)
        if options.queries:
            for ms, sql in result.captured:
                print(f"  {ms:6.1f} ms  {sql[:300]}")
        if options.explain and "explain" in result.extra:
            print(f"  最も遅いクエリ（{result.extra['slowest_query_ms']} ms）：")
            print("    " + result.slowest_sql[:2000])
            for line in result.extra.pop("explain"):
                print("    " + line)

    _floor_report(results, pages, small)
    print()
    print(_table(results))
    _write(options.output, results, _meta(world, options))
    print(f"\n{options.output} に書き込みました。")
    failed = [r for r in results if r.failure]
    if failed:
        print(
            "200 以外を返した計測があります："
            + "、".join(f"{r.name}（{r.failure}）" for r in failed),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
