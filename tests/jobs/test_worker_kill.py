"""A real ``db_worker`` killed (SIGKILL) in the middle of a job (issue #11).

The job must finish by itself once a worker runs again — no person resumes
it — with the right counts and one audit event. Needs a database that a
second process can open (PostgreSQL in CI; not SQLite's in-memory test
database).
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection

from interactions.models import InteractionLogEntry
from interactions.services import CanceledEntryFilter, start_delete_canceled_job
from interactions_crm.platform.models import AuditEvent, BackgroundJob
from tests.interactions.ledger_support import make_entries

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = 45  # 15 batches of 3 (worker_settings), 0.1 s each

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="the worker subprocess cannot open SQLite's in-memory test database",
    ),
]


@pytest.fixture
def start_worker(tmp_path) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    """Start ``manage.py db_worker`` processes on the test database."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
            "CRM_WORKER_DB_NAME": connection.settings_dict["NAME"],
        }
        log = (tmp_path / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-startup-delay",
                "--no-reload",
                "--interval",
                "0.2",
                "--worker-id",
                name,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def test_a_killed_worker_s_job_finishes_by_itself(staff_user, start_worker):
    make_entries(ENTRIES, canceled=True)
    active = make_entries(2)
    job = start_delete_canceled_job(actor=staff_user, filters=CanceledEntryFilter())

    def done() -> int:
        return BackgroundJob.objects.values_list("done", flat=True).get(pk=job.pk)

    first = start_worker("first")
    wait_for(lambda: done() >= 9, timeout=60, what="the first worker's batches")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.RUNNING  # nobody marked it
    assert 9 <= job.done < ENTRIES
    assert InteractionLogEntry.objects.count() == ENTRIES + 2 - job.done

    start_worker("second")
    wait_for(
        lambda: BackgroundJob.objects.get(pk=job.pk).is_finished,
        timeout=90,
        what="the job to finish after the restart",
    )

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    assert (job.done, job.total) == (ENTRIES, ENTRIES)
    assert job.attempts == 2
    assert job.result["deleted"] == ENTRIES
    assert set(InteractionLogEntry.objects.values_list("pk", flat=True)) == {
        entry.pk for entry in active
    }
    event = AuditEvent.objects.get(action="entry.delete_canceled")
    assert (event.count, event.actor) == (ENTRIES, staff_user)
