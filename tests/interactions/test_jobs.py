"""Deleting canceled entries in the background (DOMAIN §6.4: large runs).

The jobs run through the real django-tasks-db backend: the service enqueues on
commit and ``manage.py db_worker --batch`` executes what is queued, exactly as
the production worker does.
"""

import datetime as dt
import signal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from interactions.models import InteractionLogEntry
from interactions.services import (
    CanceledEntryFilter,
    delete_canceled_entries,
    resume_delete_canceled_job,
    start_delete_canceled_job,
)
from interactions_crm.platform.jobs import run_job
from interactions_crm.platform.models import AuditEvent, BackgroundJob
from tests import factories
from tests.factories import make_entry
from tests.interactions.ledger_support import make_entries

# The job commits per batch and the task is enqueued on commit: real
# transactions, not the test's wrapping one.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    """Run every queued task like ``manage.py db_worker --batch`` and return."""
    # The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0
        )
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_job_deletes_canceled_entries_in_the_worker(staff_user, settings):
    settings.CRM_DELETE_BATCH_SIZE = 2
    make_entries(5, canceled=True)
    active = make_entry()

    job = start_delete_canceled_job(actor=staff_user, filters=CanceledEntryFilter())

    assert (job.status, job.total, job.done) == ("queued", 5, 0)
    assert set(job.params) == {"preview"}  # no filters; bound by a preview
    assert job.params["preview"]["count"] == 5
    task_result = DBTaskResult.objects.get()
    assert task_result.status == TaskResultStatus.READY

    run_worker()

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED
    assert (job.done, job.total, job.progress_percent) == (5, 5, 100)
    assert job.result == {"deleted": 5, "previewed": 5, "kept": 0, "left": 0}
    assert job.message == "5 interaction log entries have been deleted."
    assert job.started_at is not None and job.finished_at is not None
    assert list(InteractionLogEntry.objects.values_list("pk", flat=True)) == [active.pk]
    event = AuditEvent.objects.get(action="entry.delete_canceled")
    assert (event.count, event.actor) == (5, staff_user)
    task_result.refresh_from_db()
    assert task_result.status == TaskResultStatus.SUCCESSFUL


def test_job_stores_filters_as_plain_values(staff_user, company):
    template = factories.TemplateFactory()
    make_entry(company, template, canceled=True)
    make_entry(canceled=True)

    job = start_delete_canceled_job(
        actor=staff_user,
        filters=CanceledEntryFilter(contact=company, template=template),
    )
    preview = job.params.pop("preview")
    assert job.params == {"contact": company.pk, "template": template.pk}
    assert (job.total, preview["count"]) == (1, 1)

    run_worker()

    job.refresh_from_db()
    assert job.result["deleted"] == 1
    assert InteractionLogEntry.objects.count() == 1


def test_job_is_not_enqueued_when_its_transaction_rolls_back(staff_user):
    with pytest.raises(RuntimeError), transaction.atomic():
        start_delete_canceled_job(actor=staff_user, filters=CanceledEntryFilter())
        raise RuntimeError

    assert not BackgroundJob.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_invalid_filters_are_refused_before_a_job_exists(staff_user):
    with pytest.raises(ValidationError):
        start_delete_canceled_job(
            actor=staff_user,
            filters=CanceledEntryFilter(entry_no_from=9, entry_no_to=1),
        )
    assert not BackgroundJob.objects.exists()


def test_failing_job_is_marked_failed_with_its_error(staff_user):
    campaign = factories.CampaignFactory()
    job = start_delete_canceled_job(
        actor=staff_user, filters=CanceledEntryFilter(campaign=campaign)
    )
    # The campaign disappears before the worker picks the job up.
    campaign.delete()

    run_worker()

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert "does not exist" in job.error
    assert job.finished_at is not None
    # The run's task failed; the job's watch (scheduled later) finds it done.
    assert DBTaskResult.objects.filter(run_after=get_date_max()).get().status == (
        TaskResultStatus.FAILED
    )


def test_interrupted_job_resumes_with_what_is_left(staff_user, settings):
    settings.CRM_DELETE_BATCH_SIZE = 2
    entries = make_entries(5, canceled=True)
    job = start_delete_canceled_job(actor=staff_user, filters=CanceledEntryFilter())
    # A worker claimed the job, committed its first batch, and died.
    BackgroundJob.objects.filter(pk=job.pk).update(
        status="running",
        done=2,
        attempts=1,
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    DBTaskResult.objects.all().delete()
    delete_canceled_entries(
        actor=staff_user,
        filters=CanceledEntryFilter(entry_no_to=entries[1].pk),
    )

    job = resume_delete_canceled_job(actor=staff_user, job=job)
    assert job.status == BackgroundJob.Status.QUEUED
    run_worker()

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED
    assert (job.done, job.result["deleted"], job.result["kept"]) == (5, 5, 0)
    assert not InteractionLogEntry.objects.exists()


def test_finished_job_cannot_be_resumed(staff_user):
    job = start_delete_canceled_job(actor=staff_user, filters=CanceledEntryFilter())
    run_worker()

    with pytest.raises(ValidationError):
        resume_delete_canceled_job(actor=staff_user, job=job)


def test_a_job_runs_once_even_if_its_task_runs_twice(staff_user):
    make_entries(2, canceled=True)
    job = start_delete_canceled_job(actor=staff_user, filters=CanceledEntryFilter())
    run_worker()

    again = run_job(job_id=job.pk)

    assert again.status == BackgroundJob.Status.SUCCEEDED
    assert AuditEvent.objects.filter(action="entry.delete_canceled").count() == 1


@pytest.mark.parametrize(
    ("status", "done", "total", "percent"),
    [
        ("queued", 0, 0, 0),
        ("running", 1, 3, 33),
        ("running", 5, 4, 100),
        ("succeeded", 0, 0, 100),
    ],
)
def test_progress_percent(status, done, total, percent):
    job = BackgroundJob(status=status, done=done, total=total)
    assert job.progress_percent == percent
