"""Logging a large segment through the task worker (same rules as direct)."""

import pytest

from interactions.models import LoggedSegment, Segment
from interactions.services import (
    create_segment,
    start_log_segment_job,
)
from interactions_crm.platform.jobs import run_job
from interactions_crm.platform.models import BackgroundJob
from tests.interactions.test_jobs import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_refused_log_fails_the_job_with_the_message_and_writes_nothing(admin_user):
    segment = create_segment(actor=admin_user, description="")

    job = start_log_segment_job(actor=admin_user, segment=segment)
    run_worker()

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.error  # the service's refusal, e.g. the segment is empty
    assert not LoggedSegment.objects.exists()
    assert Segment.objects.filter(pk=segment.pk).exists()


def test_a_job_runs_only_once(admin_user):
    segment = create_segment(actor=admin_user, description="Once")
    job = start_log_segment_job(actor=admin_user, segment=segment)
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.RUNNING)

    again = run_job(job_id=job.pk)

    assert again.status == BackgroundJob.Status.RUNNING  # not claimed twice
    assert Segment.objects.filter(pk=segment.pk).exists()
