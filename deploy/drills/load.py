"""A bounded load on the REST API and the staff pages, through the load balancer.

Clients are threads on loopback. Every request is recorded (what, status,
when), so the drill can tell failures of requests that were in flight on a
process it killed from any other error. Writes carry an ``Idempotency-Key``
and are retried with the same key until they succeed, so each one must land
exactly once; right after each write its author reads it back
(read-your-writes: the router must send that read to the primary).
"""

import http.client
import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TIMEOUT = 60
WRITE_ATTEMPTS = 12


@dataclass
class Outcome:
    kind: str
    status: int  # 0: no HTTP answer (connection refused, reset, timeout)
    started: float
    ended: float
    error: str = ""


@dataclass
class Record:
    """Everything the clients did; appended to from many threads."""

    outcomes: list[Outcome] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=dict)  # marker → entry
    comments: list[str] = field(default_factory=list)
    unacknowledged: list[str] = field(default_factory=list)
    retries: int = 0
    read_your_writes: int = 0
    read_your_writes_missed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


@dataclass
class Http:
    """One client of the site behind the load balancer (HTTPS as the proxy says)."""

    port: int
    record: Record
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        body: Any = None,
        headers: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        all_headers = {"Host": f"127.0.0.1:{self.port}", **self.headers}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(
                f"{k}={v}" for k, v in self.cookies.items()
            )
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        elif form is not None:
            data = "&".join(f"{k}={v}" for k, v in form.items()).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        all_headers.update(headers or {})
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=data, headers=all_headers)
            response = connection.getresponse()
            content = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
        except (OSError, http.client.HTTPException) as exc:
            self.record.add(Outcome(kind, 0, started, time.monotonic(), repr(exc)))
            return 0, b""
        finally:
            connection.close()
        self.record.add(Outcome(kind, response.status, started, time.monotonic()))
        return response.status, content

    def login(self, username: str, password: str) -> None:
        """Log in through the login form (CSRF token from the page and cookie)."""
        status, page = self.request("login", "GET", "/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or match is None:
            raise RuntimeError(f"The login page answered {status}")
        origin = f"https://127.0.0.1:{self.port}"
        status, _ = self.request(
            "login",
            "POST",
            "/accounts/login/",
            form={
                "csrfmiddlewaretoken": match.group(1).decode(),
                "username": username,
                "password": password,
            },
            headers={"Origin": origin, "Referer": f"{origin}/accounts/login/"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Logging in answered {status}")


def token_client(port: int, record: Record, token: str) -> Http:
    return Http(port, record, headers={"Authorization": f"Token {token}"})


def _write(client: Http, kind: str, path: str, body: dict[str, Any], key: str) -> Any:
    """POST until it succeeds (same key each time); the JSON answer or None."""
    for attempt in range(WRITE_ATTEMPTS):
        if attempt:
            with client.record.lock:
                client.record.retries += 1
            time.sleep(min(0.2 * attempt, 2))
        status, content = client.request(
            kind, "POST", path, body=body, headers={"Idempotency-Key": key}
        )
        if status in (200, 201):
            return json.loads(content)
        if status not in (0, 429, 502, 503, 504):
            raise RuntimeError(f"{kind} {path} answered {status}: {content[:300]!r}")
    return None


@dataclass
class Load:
    """The clients and when they stop (whichever comes first)."""

    port: int
    run: str
    integrator_tokens: list[str]
    admin: tuple[str, str]
    contact_nos: list[str]
    template: str
    duration: float
    max_requests: int
    record: Record = field(default_factory=Record)
    stop: threading.Event = field(default_factory=threading.Event)
    failures: list[str] = field(default_factory=list)
    deadline: float = 0.0
    ended: float = 0.0

    def over(self) -> bool:
        over = (
            self.stop.is_set()
            or time.monotonic() > self.deadline
            or len(self.record.outcomes) >= self.max_requests
        )
        if over and not self.ended:
            self.ended = time.monotonic()
        return over

    def writer(self, number: int) -> None:
        client = token_client(
            self.port,
            self.record,
            self.integrator_tokens[number % len(self.integrator_tokens)],
        )
        count = 0
        while not self.over():
            count += 1
            marker = f"drill-{self.run}-w{number}-{count}"
            entry = _write(
                client,
                "write interaction",
                "/api/v1/interactions/",
                {
                    "contact": random.choice(self.contact_nos),
                    "template": self.template,
                    "description": marker,
                },
                marker,
            )
            if entry is None:
                self.record.unacknowledged.append(marker)
                continue
            entry_no = entry["entry_no"]
            with self.record.lock:
                self.record.acknowledged[marker] = entry_no
            for _attempt in range(3):  # again if the answer was lost in flight
                status, _ = client.request(
                    "read own write", "GET", f"/api/v1/interactions/{entry_no}/"
                )
                if status not in (0, 502, 503):
                    break
            with self.record.lock:
                self.record.read_your_writes += 1
                if status != 200:
                    self.record.read_your_writes_missed.append(f"{marker}: {status}")
            comment = _write(
                client,
                "write comment",
                f"/api/v1/interactions/{entry_no}/comments/",
                {"text": marker},
                f"{marker}-comment",
            )
            if comment is not None:
                with self.record.lock:
                    self.record.comments.append(marker)

    def reader(self, number: int) -> None:
        client = token_client(
            self.port,
            self.record,
            self.integrator_tokens[number % len(self.integrator_tokens)],
        )
        reads: list[Callable[[], str]] = [
            lambda: "/api/v1/interactions/?page_size=50",
            lambda: f"/api/v1/interactions/?page_size=50&template={self.template}",
            lambda: f"/api/v1/contacts/{random.choice(self.contact_nos)}/interactions/",
            lambda: f"/api/v1/contacts/{random.choice(self.contact_nos)}/",
            lambda: "/api/v1/contacts/?page_size=50&type=person",
        ]
        while not self.over():
            client.request("api read", "GET", random.choice(reads)())

    def staff(self) -> None:
        client = Http(self.port, self.record)
        client.login(*self.admin)
        pages = ["/", "/contacts/", "/interactions/", "/interactions/?canceled=true"]
        while not self.over():
            client.request("staff page", "GET", random.choice(pages))
            if random.random() < 0.05:
                client.request("staff export", "GET", "/interactions/export/")

    def _guarded(self, work: Callable[[], None], name: str) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except Exception as exc:
                self.failures.append(f"{name}: {exc!r}")

        return run

    def start(
        self, *, writers: int, readers: int, staff: bool = True
    ) -> list[threading.Thread]:
        self.deadline = time.monotonic() + self.duration
        threads = [
            threading.Thread(
                target=self._guarded(lambda i=i: self.writer(i), f"writer {i}")
            )
            for i in range(writers)
        ]
        threads += [
            threading.Thread(
                target=self._guarded(lambda i=i: self.reader(i), f"reader {i}")
            )
            for i in range(readers)
        ]
        if staff:
            threads.append(threading.Thread(target=self._guarded(self.staff, "staff")))
        for thread in threads:
            thread.daemon = True
            thread.start()
        return threads
