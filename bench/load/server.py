"""The server `make load` drives: gunicorn with the project's config (docker/gunicorn.conf.py)
and the production settings on loopback (bench/load/settings.py), started after collectstatic
into a temporary folder, ready when /healthz answers, stopped gracefully."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONFIG = ROOT / "docker" / "gunicorn.conf.py"
SETTINGS = "bench.load.settings"
READY_TIMEOUT = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(tmp: Path, port: int, workers: int | None) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "ALERTS_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "EMAIL_URL": "consolemail://",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "STATIC_ROOT": str(tmp / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "DEBUG": "false",
        "DEMO_MODE": "false",
    }
    # The shell's DATABASE_URL is not the bench's: bench/load/settings.py sets it.
    env.pop("DATABASE_URL", None)
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    return env


def _bin(name: str) -> str:
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else name


def _workers_of(pid: int) -> int:
    try:
        return len(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    except OSError:
        return 0


class Server:
    """gunicorn with the project's config, as docker/start-web.sh runs it."""

    def __init__(self, tmp: Path, workers: int | None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = _server_env(tmp, self.port, workers)
        self.log = tmp / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        print("静的ファイルを集めています（WhiteNoise の manifest）…", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        print(f"gunicorn を起動しています（{self.url}）…", flush=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    _bin("gunicorn"),
                    "config.wsgi:application",
                    "--config",
                    str(GUNICORN_CONFIG),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn が終了しました。\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310 (loopback)
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(
            f"gunicorn が {READY_TIMEOUT} 秒以内に応答しませんでした。\n{self.tail()}"
        )

    @property
    def workers(self) -> int:
        return _workers_of(self.process.pid) if self.process else 0

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
