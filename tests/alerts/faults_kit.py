"""The real parts the sending queue is tried against, as separate processes: a redis-server of
its own (append-only file, no eviction) that can be restarted or wiped, an SMTP server on
loopback (aiosmtpd) that records the Message-ID of every message it accepts or only counts
them, and Celery workers and beat on the test or bench database, which can be SIGKILLed and
started again. Used by tests/alerts/test_delivery_faults.py and bench/measures/alerts.py.

Run as a module it is the SMTP server:
`python -m tests.alerts.faults_kit --port P [--record FILE] [--count FILE]`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
REDIS_SERVER = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")
MESSAGE_ID = re.compile(rb"(?im)^message-id:[ \t]*(<[^>\r\n]+>)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, process: subprocess.Popen, log: Path, within: float = 20) -> None:
    deadline = time.monotonic() + within
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5):
                return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} died:\n{_tail(log)}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing listens on {port}:\n{_tail(log)}") from None
            time.sleep(0.1)


def _tail(log: Path, lines: int = 40, width: int = 300) -> str:
    try:
        text = log.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return "\n".join(line[:width] for line in text)


def _stop(process: subprocess.Popen | None, *, grace: float = 5) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# --- Redis ---------------------------------------------------------------------------------


class RedisServer:
    """redis-server on a free port with its own data directory, as ECOSYSTEM.md asks of the
    broker: appendonly yes, appendfsync everysec, maxmemory-policy noeviction."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.data = workdir / "redis-data"
        self.log = workdir / "redis.log"
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        command = [
            REDIS_SERVER,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.data),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--maxmemory-policy", "noeviction",
            "--save", "",
            "--protected-mode", "no",
        ]  # fmt: skip
        with self.log.open("a") as sink:
            self.process = subprocess.Popen(command, stdout=sink, stderr=sink)
        wait_for_port(self.port, process=self.process, log=self.log)
        self._wait_loaded()

    def _wait_loaded(self) -> None:
        """The port answers before the append-only file is replayed (LOADING)."""
        import redis

        client = redis.Redis(port=self.port, socket_timeout=2)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.BusyLoadingError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
            finally:
                client.close()

    def restart(self) -> None:
        """SHUTDOWN NOSAVE and start again on the same data: what the append-only file kept
        comes back."""
        import redis

        client = redis.Redis(port=self.port, socket_timeout=5)
        # The server closes the connection as it goes.
        with contextlib.suppress(redis.exceptions.ConnectionError):
            client.shutdown(nosave=True)
        assert self.process is not None
        self.process.wait(timeout=20)
        self.start()

    def wipe(self) -> None:
        """SIGKILL, delete the data directory, start empty: every queued task is gone."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=20)
        shutil.rmtree(self.data)
        self.start()

    def stop(self) -> None:
        _stop(self.process)


# --- SMTP ----------------------------------------------------------------------------------


class SmtpSink:
    """aiosmtpd in a process of its own, so that it costs the measured processes no GIL.
    With `record`, one line per recipient of every message accepted: `address<TAB>Message-ID`.
    """

    def __init__(self, workdir: Path, *, record: bool) -> None:
        self.port = free_port()
        self.log = workdir / "smtp.log"
        self.record_path = workdir / "smtp-received.tsv" if record else None
        self.count_path = workdir / "smtp-count.txt"
        self.process: subprocess.Popen | None = None

    @property
    def email_url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "tests.alerts.faults_kit", "--port", str(self.port)]
        command += ["--count", str(self.count_path)]
        if self.record_path:
            command += ["--record", str(self.record_path)]
        with self.log.open("a") as sink:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=sink)
        wait_for_port(self.port, process=self.process, log=self.log)

    def stop(self) -> int:
        """Stops the server; how many messages (recipients) it accepted."""
        _stop(self.process, grace=10)
        try:
            return int(self.count_path.read_text())
        except (OSError, ValueError):
            return 0

    def received(self) -> list[tuple[str, str]]:
        """(address, Message-ID) of every message accepted so far, repeats included."""
        assert self.record_path is not None
        if not self.record_path.exists():
            return []
        rows = []
        for line in self.record_path.read_text().splitlines():
            address, _, message_id = line.partition("\t")
            rows.append((address, message_id))
        return rows


class _Handler:
    def __init__(self, record) -> None:
        self.record = record
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += len(envelope.rcpt_tos)
        if self.record is not None:
            content = envelope.original_content or envelope.content
            head = re.split(rb"\r?\n\r?\n", content, maxsplit=1)[0]
            found = MESSAGE_ID.search(head)
            message_id = found.group(1).decode("ascii", "replace") if found else ""
            self.record.write("".join(f"{r}\t{message_id}\n" for r in envelope.rcpt_tos))
            self.record.flush()
        return "250 Message accepted for delivery"


def _sink_main(argv: list[str]) -> None:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", type=Path)
    parser.add_argument("--count", type=Path, required=True)
    options = parser.parse_args(argv)
    record = options.record.open("a", encoding="utf-8") if options.record else None
    handler = _Handler(record)
    controller = Controller(handler, hostname="127.0.0.1", port=options.port)
    controller.start()
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    while not stopping:
        time.sleep(0.2)
    controller.stop()
    if record is not None:
        record.close()
    options.count.write_text(str(handler.count))


# --- Celery --------------------------------------------------------------------------------


def database_url(settings_dict: dict) -> str:
    """The URL of the database a Django connection uses (the test database under pytest)."""
    user = quote(settings_dict.get("USER") or "postgres", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"


class Fleet:
    """`workers` Celery workers (solo pool: a SIGKILL kills the task with its process) and,
    if asked, celery beat, all on the broker and database given, mail to the sink."""

    def __init__(
        self,
        workdir: Path,
        *,
        broker_url: str,
        database_url: str,
        email_url: str,
        workers: int = 2,
        beat: bool = True,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.count = workers
        self.with_beat = beat
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir),
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "tests.alerts.faults_settings",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "REDIS_URL": broker_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_RESULT_BACKEND": broker_url,
            "DATABASE_URL": database_url,
            "EMAIL_URL": email_url,
            "LOG_LEVEL": "INFO",
            **(settings or {}),
        }
        self.workers: list[subprocess.Popen | None] = [None] * workers
        self.beat: subprocess.Popen | None = None
        self.generation = 0
        # Workers or beat found dead without being killed here (restarted at once).
        self.unexpected_exits: list[str] = []

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = self.workdir / f"{name}.log"
        with log.open("a") as sink:
            return subprocess.Popen(
                [CELERY, "-A", "config", *command],
                cwd=self.workdir,
                env=self.env,
                stdout=sink,
                stderr=sink,
                start_new_session=True,
            )

    def _start_worker(self, index: int) -> None:
        self.generation += 1
        hostname = f"w{index}g{self.generation}@faults"
        self.workers[index] = self._spawn(
            f"worker{index}",
            [
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-n", hostname,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
        )  # fmt: skip

    def _start_beat(self) -> None:
        schedule = self.workdir / "beat-schedule"
        self.beat = self._spawn("beat", ["beat", "-s", str(schedule), "--pidfile="])

    def start(self) -> None:
        for index in range(self.count):
            self._start_worker(index)
        if self.with_beat:
            self._start_beat()

    def worker_pids(self) -> list[int]:
        return [p.pid for p in self.workers if p is not None and p.poll() is None]

    def kill_workers(self) -> None:
        """SIGKILL every worker and wait until each is gone."""
        for process in self.workers:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGKILL)
        for process in self.workers:
            if process is not None:
                process.wait(timeout=20)

    def start_workers(self) -> None:
        for index in range(self.count):
            self._start_worker(index)

    def watch(self) -> None:
        """Start again whatever died on its own (and note it)."""
        for index, process in enumerate(self.workers):
            if process is not None and process.poll() is not None:
                self.unexpected_exits.append(f"worker{index} rc={process.returncode}")
                self._start_worker(index)
        if self.beat is not None and self.beat.poll() is not None:
            self.unexpected_exits.append(f"beat rc={self.beat.returncode}")
            self._start_beat()

    def stop(self) -> None:
        for process in [*self.workers, self.beat]:
            _stop(process, grace=10)

    def logs(self, lines: int = 12) -> str:
        return "\n".join(
            f"--- {log.name}\n{_tail(log, lines)}" for log in sorted(self.workdir.glob("*.log"))
        )


def peak_rss_kib(pid: int) -> int | None:
    """VmHWM of a live process: its peak resident memory so far."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


# --- Subscribers in bulk -------------------------------------------------------------------


def subscribers_bulk(*, category, count: int, prefix: str) -> int:
    """`count` confirmed subscribers of `category` for the whole prefecture, made by two
    set-based statements (PostgreSQL): prefix-N@example.jp. Returns how many were made."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO alerts_subscriber (email, token, whole_prefecture, bounce_count,
                                 confirmed_at, updated_at)
            SELECT %s || g || '@example.jp', md5(random()::text || g) || g, true, 0,
                   now(), now()
            FROM generate_series(1, %s) AS g
            """,
            [prefix + "-", count],
        )
        made = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO alerts_subscriber_categories (subscriber_id, category_id)
            SELECT id, %s FROM alerts_subscriber WHERE email LIKE %s
            ON CONFLICT DO NOTHING
            """,
            [category.pk, prefix + "-%"],
        )
    return made


if __name__ == "__main__":
    _sink_main(sys.argv[1:])
