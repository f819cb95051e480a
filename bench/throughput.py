"""Case 8: gunicorn throughput, the list endpoint against a minimal endpoint.

The documented deployment — gunicorn with 3 sync workers, persistent database
connections (``CONN_MAX_AGE``) — serves ``bench.wsgi`` on a loopback port. A
bounded load generator (``CLIENTS`` threads, each one request at a time, a
new connection per request as a sync worker closes it) drives it for a fixed
time, alternating between the filtered API list and the minimal DRF endpoint
in short rounds so both meet the same machine load. Reported: requests/s,
p50/p99 latency and every non-200 answer or connection error.

The per-user API throttle still counts every request in the shared cache; its
rate is raised for the run (``API_THROTTLE_RATE``) so that the limit itself
does not cut the measurement.
"""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.harness import Check, progress

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3
CLIENTS = 6
ROUNDS = 3
MIN_SHARE = 0.5
CASE = "8. gunicorn throughput"


@dataclass
class Load:
    """What one endpoint's rounds produced."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(port: int, database_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "interactions_crm.settings",
        "STATIC_MANIFEST": "0",
        "DEBUG": "0",
        "API_THROTTLE_RATE": "1000000/min",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "bench.wsgi:application",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited at start") from None
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not listen within 30 s")


def get(port: int, url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def drive(port: int, url: str, headers: dict[str, str], seconds: float, load: Load):
    """``CLIENTS`` threads request ``url`` back to back for ``seconds``."""
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client() -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, _body = get(port, url, headers)
                error = "" if status == 200 else f"HTTP {status}"
            except OSError as exc:
                error = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - started
            with lock:
                if error:
                    load.errors.append(error)
                else:
                    load.latencies.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds += time.monotonic() - began


def throughput_checks(
    database_url: str, token: str, group: str, seconds: float
) -> list[Check]:
    from bench import baseline

    port = free_port()
    headers = {"Authorization": f"Token {token}", "Host": "127.0.0.1"}
    pages = {
        "list": f"/api/v1/interactions/?{urlencode({'group': group})}",
        "minimal": baseline.MINIMAL_API,
    }
    process = start_gunicorn(port, database_url)
    try:
        for url in pages.values():  # warm every worker's connection and caches
            for _ in range(WORKERS * 3):
                status, body = get(port, url, headers)
                if status != 200:
                    raise RuntimeError(f"gunicorn GET {url}: {status} {body[:200]!r}")
        loads = {name: Load() for name in pages}
        for round_no in range(ROUNDS):
            progress(f"  throughput round {round_no + 1}/{ROUNDS}")
            for name, url in pages.items():
                drive(port, url, headers, seconds / ROUNDS, loads[name])
    finally:
        process.terminate()
        process.wait(timeout=30)
    listed, minimal = loads["list"], loads["minimal"]
    note = (
        f"{WORKERS} sync workers, {CLIENTS} clients, {seconds:.0f} s each in "
        f"{ROUNDS} alternating rounds; p50 / p99: list "
        f"{listed.percentile(0.5):.0f} / {listed.percentile(0.99):.0f} ms, "
        f"minimal {minimal.percentile(0.5):.0f} / {minimal.percentile(0.99):.0f} ms"
    )
    errors = listed.errors + minimal.errors
    return [
        Check(
            case=CASE,
            what="API list (filtered, first page): requests/s",
            value=listed.rps,
            unit="req/s",
            kind="min_share",
            limit=MIN_SHARE,
            baseline_what="minimal DRF endpoint, same gunicorn",
            baseline=minimal.rps,
            runs=len(listed.latencies),
            detail=note,
        ),
        Check(
            case=CASE,
            what="errors (non-200 or connection) under load",
            value=len(errors),
            unit="errors",
            kind="equal",
            limit=0,
            baseline_what="none",
            baseline=0,
            detail="; ".join(sorted(set(errors))[:5]),
        ),
    ]
