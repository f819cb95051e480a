"""Jobs never hang (issue #11 item 3): heartbeat, stale-claim resume, cancel.

A worker that dies (SIGKILL: no cleanup, the job stays "running") is
simulated here by a runner that stops the worker's whole process path with
``SystemExit`` in the middle of a batch: the batch rolls back, what earlier
batches committed stays, and nothing marks the job finished — exactly what a
killed process leaves. ``test_worker_kill`` does it to a real ``db_worker``
on PostgreSQL.
"""

import datetime as dt
import threading
from collections.abc import Callable, Iterator

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from interactions.models import InteractionLogEntry
from interactions.services import CanceledEntryFilter, start_delete_canceled_job
from interactions.services.delete_canceled import run_delete_canceled
from interactions.services.jobs import JobKind
from interactions_crm.platform import jobs
from interactions_crm.platform.jobs import cancel_job, run_job
from interactions_crm.platform.models import AuditEvent, BackgroundJob
from tests.interactions.ledger_support import make_entries
from tests.interactions.test_jobs import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

KIND = JobKind.DELETE_CANCELED_ENTRIES


@pytest.fixture
def runner() -> Iterator[Callable[[Callable[[BackgroundJob, int], None]], None]]:
    """Install a runner that calls ``before_report(job, done)`` before each
    progress report of the real delete-canceled runner; restored afterwards."""

    def install(before_report: Callable[[BackgroundJob, int], None]) -> None:
        def run(job: BackgroundJob, progress: jobs.Progress) -> jobs.JobOutcome:
            def report(done: int, total: int) -> None:
                before_report(job, done)
                progress(done, total)

            return run_delete_canceled(job, report)

        jobs.register(KIND, KIND.label, run)

    yield install
    jobs.register(KIND, KIND.label, run_delete_canceled)


def dies_in_second_batch(job: BackgroundJob, done: int) -> None:
    if done > 2:
        raise SystemExit("worker killed")


def killed_job(staff_user, settings, runner, count: int = 5) -> BackgroundJob:
    """A job whose worker committed one batch of 2 and died in the second."""
    settings.CRM_DELETE_BATCH_SIZE = 2
    make_entries(count, canceled=True)
    job = start_delete_canceled_job(actor=staff_user, filters=CanceledEntryFilter())
    runner(dies_in_second_batch)
    with pytest.raises(SystemExit):
        run_job(job_id=job.pk)
    runner(lambda job, done: None)
    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == ("running", 2, 1)
    assert InteractionLogEntry.objects.count() == count - 2
    return job


def test_a_stalled_job_is_resumed_by_its_watch_with_one_audit_event(
    staff_user, settings, runner
):
    job = killed_job(staff_user, settings, runner)
    settings.CRM_JOB_STALE_AFTER = 0  # its heartbeat is stale at once
    assert job.state == "stalled"
    # The claim scheduled a watch; make it due and let the next worker run.
    DBTaskResult.objects.update(run_after=timezone.now())

    run_worker()

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED
    assert (job.done, job.total, job.attempts) == (5, 5, 2)
    assert job.result == {"deleted": 5, "previewed": 5, "kept": 0, "left": 0}
    assert not InteractionLogEntry.objects.exists()
    event = AuditEvent.objects.get(action="entry.delete_canceled")
    assert (event.count, event.actor, event.changes["job"]) == (
        5,
        staff_user,
        str(job.pk),
    )


def test_a_running_job_with_a_fresh_heartbeat_is_left_to_its_worker(
    staff_user, settings, runner
):
    job = killed_job(staff_user, settings, runner)
    settings.CRM_JOB_STALE_AFTER = 3600
    watches = DBTaskResult.objects.count()

    again = run_job(job_id=job.pk)  # a watch arrives while the worker lives

    assert (again.status, again.attempts, again.done) == ("running", 1, 2)
    assert again.state == "running"
    assert DBTaskResult.objects.count() == watches + 1  # it looks again later
    later = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert later.run_after > timezone.now() + dt.timedelta(minutes=50)


def from_another_request(change: Callable[[], None]) -> None:
    """Run ``change`` on its own database connection (another process's view)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            change()
        except BaseException as exc:  # handed to the test below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not errors, errors


needs_concurrent_writers = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a second writer during a batch needs PostgreSQL (SQLite locks the file)",
)


@pytest.mark.postgres
@needs_concurrent_writers
def test_a_worker_that_lost_its_claim_stops_and_rolls_back_its_batch(
    staff_user, settings, runner
):
    settings.CRM_DELETE_BATCH_SIZE = 2
    make_entries(4, canceled=True)
    job = start_delete_canceled_job(actor=staff_user, filters=CanceledEntryFilter())

    def taken_over(job: BackgroundJob, done: int) -> None:
        # Another worker claimed the job while this one was in its first batch.
        from_another_request(
            lambda: BackgroundJob.objects.filter(pk=job.pk).update(attempts=2)
        )

    runner(taken_over)
    result = run_job(job_id=job.pk)

    assert (result.status, result.done, result.attempts) == ("running", 0, 2)
    assert InteractionLogEntry.objects.count() == 4  # its batch rolled back
    assert not AuditEvent.objects.filter(action="entry.delete_canceled").exists()


@pytest.mark.postgres
@needs_concurrent_writers
def test_a_canceled_job_stops_and_resumes_to_the_right_count(
    staff_user, settings, runner
):
    settings.CRM_DELETE_BATCH_SIZE = 2
    make_entries(5, canceled=True)
    job = start_delete_canceled_job(actor=staff_user, filters=CanceledEntryFilter())

    def canceled_in_second_batch(job: BackgroundJob, done: int) -> None:
        if done > 2:
            from_another_request(lambda: cancel_job(job=job))

    runner(canceled_in_second_batch)
    stopped = run_job(job_id=job.pk)
    assert (stopped.status, stopped.done) == ("canceled", 2)
    assert InteractionLogEntry.objects.count() == 3

    runner(lambda job, done: None)
    jobs.resume_job(job=job, kind=KIND)
    run_worker()

    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == ("succeeded", 5, 2)
    assert not InteractionLogEntry.objects.exists()
    assert AuditEvent.objects.get(action="entry.delete_canceled").count == 5


def test_a_running_job_with_a_live_worker_cannot_be_resumed(staff_user, settings):
    settings.CRM_JOB_STALE_AFTER = 3600
    job = BackgroundJob.objects.create(
        kind=KIND, status="running", heartbeat_at=timezone.now(), attempts=1
    )
    with pytest.raises(Exception, match="Only a failed, canceled or stalled job"):
        jobs.resume_job(job=job, kind=KIND)
