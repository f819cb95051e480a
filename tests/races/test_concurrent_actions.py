"""No 500 under concurrency (issue #11 item 2), on PostgreSQL.

Threads, each with its own client and database connection, call the real
views (API and staff pages) on the same few entries and logged segments at
the same time: cancel, un-cancel, evaluate, switch, comment, delete (one
entry, and by filter), read the log, cancel / un-cancel / delete logged
segments. Every answer must be a deliberate one — 2xx, 3xx, 404, 409 or
another 4xx with a message — never a server error or an exception escaping
a view. The figures (requests and statuses per action) are printed; run
with ``-s`` to see them.
"""

import random
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from interactions.models import InteractionLogEntry, LoggedSegment
from tests.api.conftest import token_client
from tests.conftest import STAFF_PERMISSIONS, grant
from tests.interactions.ledger_support import make_entries, put_in_logged_segment
from tests.races import CONCURRENT_WRITERS

pytestmark = CONCURRENT_WRITERS

ENTRIES = 60
ROUNDS = 120  # requests per thread
API = "/api/v1/interactions"

Action = Callable[[random.Random], tuple[str, int]]


class Tally:
    """Statuses per action, from every thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.errors: list[str] = []

    def add(self, name: str, status: int) -> None:
        with self.lock:
            self.statuses[(name, status)] += 1

    def fail(self, name: str, error: BaseException) -> None:
        with self.lock:
            self.statuses[(name, 500)] += 1
            self.errors.append(f"{name}: {error!r}")

    def report(self) -> str:
        total = sum(self.statuses.values())
        by_status = Counter()
        for (_name, status), count in self.statuses.items():
            by_status[status] += count
        lines = [f"{total} requests; statuses {dict(sorted(by_status.items()))}"]
        lines += [
            f"  {name:<24} {status}: {count}"
            for (name, status), count in sorted(self.statuses.items())
        ]
        return "\n".join(lines)


def run_threads(actions: list[list[Action]], tally: Tally, seed: int) -> None:
    """Each list of actions is one thread that picks among them ROUNDS times."""
    start = threading.Barrier(len(actions))

    def work(index: int, choices: list[Action]) -> None:
        rng = random.Random(seed + index)
        try:
            start.wait()
            for _ in range(ROUNDS):
                action = rng.choice(choices)
                name = action.__name__
                try:
                    name, status = action(rng)
                except Exception as error:  # an exception escaping a view
                    tally.fail(name, error)
                else:
                    tally.add(name, status)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=(i, choices))
        for i, choices in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)


@pytest.fixture
def world(admin_user, staff_user):
    grant(staff_user, *STAFF_PERMISSIONS)
    entries = make_entries(ENTRIES)
    logged = put_in_logged_segment(entries[:10], no="RACE1")
    return {"nos": [entry.entry_no for entry in entries], "logged": logged.pk}


def api_actions(client: APIClient, nos: list[int], logged: int) -> list[Action]:
    def some(rng: random.Random) -> int:
        return rng.choice(nos)

    def cancel(rng):
        return "api cancel", client.post(f"{API}/{some(rng)}/cancel/", {}).status_code

    def uncancel(rng):
        return "api uncancel", client.post(f"{API}/{some(rng)}/uncancel/").status_code

    def evaluate(rng):
        url = f"{API}/{some(rng)}/evaluate/"
        return "api evaluate", client.post(
            url, {"evaluation": "positive"}, format="json"
        ).status_code

    def comment(rng):
        url = f"{API}/{some(rng)}/comments/"
        return "api comment", client.post(
            url, {"text": "Called back"}, format="json"
        ).status_code

    def delete(rng):
        return "api delete", client.delete(f"{API}/{some(rng)}/").status_code

    def switch(rng):
        selection = rng.sample(nos, 3)
        return "api switch", client.post(
            f"{API}/switch-canceled/",
            {"entry_nos": selection, "canceled": rng.random() < 0.5},
            format="json",
        ).status_code

    def delete_canceled(rng):
        no = some(rng)
        url = f"{API}/delete-canceled/"
        bounds = {"entry_no_from": no, "entry_no_to": no + 2}
        preview = client.post(url, bounds, format="json")
        if preview.status_code != 200:
            return "api delete-canceled", preview.status_code
        run = {**bounds, "dry_run": False, "intent": preview.json()["intent"]}
        return "api delete-canceled", client.post(url, run, format="json").status_code

    def read_log(rng):
        if rng.random() < 0.5:
            return "api log", client.get(f"{API}/?ordering=entry_no").status_code
        return "api log entry", client.get(f"{API}/{some(rng)}/").status_code

    def logged_switch(rng):
        action = rng.choice(["cancel", "uncancel"])
        url = f"/api/v1/logged-segments/{logged}/{action}/"
        return f"api logged {action}", client.post(url, {}).status_code

    def logged_delete(rng):
        return "api logged delete", client.post(
            "/api/v1/logged-segments/delete-canceled/", {"ids": [logged]}, format="json"
        ).status_code

    return [
        cancel,
        uncancel,
        evaluate,
        comment,
        delete,
        switch,
        delete_canceled,
        read_log,
        logged_switch,
        logged_delete,
    ]


def staff_actions(client: Client, nos: list[int]) -> list[Action]:
    def url(name: str, no: int) -> str:
        return reverse(f"interactions:{name}", kwargs={"entry_no": no})

    def page(rng):
        return "page entry", client.get(
            url("entry-detail", rng.choice(nos))
        ).status_code

    def cancel(rng):
        no = rng.choice(nos)
        return "page cancel", client.post(url("entry-cancel", no)).status_code

    def uncancel(rng):
        no = rng.choice(nos)
        return "page uncancel", client.post(url("entry-uncancel", no)).status_code

    def comment(rng):
        no = rng.choice(nos)
        return "page comment", client.post(
            url("entry-comment-add", no), {"text": "Met at the fair"}
        ).status_code

    def switch(rng):
        bulk = reverse("interactions:entry-bulk")
        selection = rng.sample(nos, 2)
        question = client.post(
            bulk, {"action": "switch_canceled", "entries": selection}
        )
        if question.status_code != 200 or "intent" not in (question.context or {}):
            return "page switch", question.status_code
        answer = client.post(
            bulk,
            {
                "action": "switch_canceled",
                "confirmed": "1",
                "intent": question.context["intent"],
            },
        )
        return "page switch", answer.status_code

    def log(rng):
        return "page log", client.get(reverse("interactions:entry-list")).status_code

    return [page, cancel, uncancel, comment, switch, log]


def test_concurrent_actions_never_answer_500(world, admin_user, staff_user, capsys):
    nos, logged = world["nos"], world["logged"]
    staff = Client()
    staff.force_login(staff_user)
    threads = [
        api_actions(token_client(admin_user), nos, logged),
        api_actions(token_client(admin_user), nos, logged),
        api_actions(token_client(admin_user), nos, logged),
        staff_actions(staff, nos),
    ]
    tally = Tally()

    run_threads(threads, tally, seed=11)

    with capsys.disabled():
        print("\nRace figures (issue #11):\n" + tally.report())
    assert not tally.errors, tally.errors[:5]
    assert not [key for key in tally.statuses if key[1] >= 500], tally.report()
    assert sum(tally.statuses.values()) == len(threads) * ROUNDS
    # The races really happened: some entries and the logged segment changed.
    assert InteractionLogEntry.objects.count() < ENTRIES or not (
        LoggedSegment.objects.filter(pk=logged).exists()
    )
