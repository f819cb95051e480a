"""Background jobs: one runner for every long run (claim, progress, finish, fail).

An app registers each kind of job once (:func:`register`) with a translated
label and a *runner*: a function that does the work for one
:class:`BackgroundJob` and reports progress. Services start jobs with
:func:`start_job`; the worker's task calls :func:`run_job`, which

* claims the job with a conditional ``UPDATE`` (queued → running), so two
  workers never run the same job;
* passes the runner a ``progress(done, total)`` callback that writes the
  figures for the progress bar after each committed batch (counted on from
  what earlier, interrupted runs already did);
* marks the job succeeded with the runner's :class:`JobOutcome`, or failed: a
  refusal (``ValidationError``) with its messages, anything else with the
  error; either is re-raised, so the task's own result says failed too.
"""

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from interactions_crm.platform.actors import Actor, user_or_none
from interactions_crm.platform.models import BackgroundJob

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class JobOutcome:
    """What a runner did: ``done`` rows in all (earlier runs included)."""

    done: int
    message: str
    result: Mapping[str, Any] = field(default_factory=dict)


Runner = Callable[[BackgroundJob, Progress], JobOutcome]


@dataclass(frozen=True)
class JobKind:
    value: str
    label: str | Promise
    run: Runner


_KINDS: dict[str, JobKind] = {}


def register(value: str, label: str | Promise, run: Runner) -> None:
    """Make ``value`` a kind of job that :func:`run_job` runs with ``run``."""
    _KINDS[value] = JobKind(value=value, label=label, run=run)


def kind_label(value: str) -> str:
    """The translated label of a registered kind (the raw value if unknown)."""
    kind = _KINDS.get(value)
    return str(kind.label) if kind is not None else value


def _enqueue_on_commit(job: BackgroundJob) -> None:
    from interactions_crm.platform.tasks import run_job_task

    transaction.on_commit(partial(run_job_task.enqueue, job_id=str(job.pk)))


def start_job(
    *, kind: str, actor: Actor, params: Mapping[str, Any], total: int
) -> BackgroundJob:
    """Create a queued job and enqueue it when the transaction commits.

    A worker therefore never sees a job that was rolled back.
    """
    if kind not in _KINDS:
        raise ValueError(f"Unknown background job kind {kind!r}")
    with transaction.atomic():
        job = BackgroundJob.objects.create(
            kind=kind, params=dict(params), total=total, actor=user_or_none(actor)
        )
        _enqueue_on_commit(job)
    return job


def resume_job(*, job: BackgroundJob, kind: str) -> BackgroundJob:
    """Queue a failed or interrupted job of ``kind`` again.

    The runner continues with what is left: what earlier runs committed stays
    done and counted.
    """
    with transaction.atomic():
        updated = BackgroundJob.objects.filter(
            pk=job.pk,
            kind=kind,
            status__in=[BackgroundJob.Status.FAILED, BackgroundJob.Status.RUNNING],
        ).update(status=BackgroundJob.Status.QUEUED, error="")
        if not updated:
            raise ValidationError(
                {"status": [_("Only a failed or interrupted job can be resumed.")]}
            )
        _enqueue_on_commit(job)
    job.refresh_from_db()
    return job


def _fail(job: BackgroundJob, error: str) -> None:
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.FAILED,
        error=error[:2000],
        finished_at=timezone.now(),
    )


def run_job(*, job_id: uuid.UUID | str) -> BackgroundJob:
    """Claim job ``job_id``, run its kind's runner, record the outcome.

    A job that is not queued (already claimed, finished) is returned as it is.
    """
    claimed = BackgroundJob.objects.filter(
        pk=job_id, status=BackgroundJob.Status.QUEUED
    ).update(status=BackgroundJob.Status.RUNNING, started_at=timezone.now())
    job = BackgroundJob.objects.select_related("actor").get(pk=job_id)
    if not claimed:
        return job

    # A resumed job counts on from what its earlier runs did.
    already_done = job.done

    def progress(done: int, total: int) -> None:
        BackgroundJob.objects.filter(pk=job.pk).update(
            done=already_done + done, total=already_done + max(total, done)
        )

    try:
        outcome = _KINDS[job.kind].run(job, progress)
    except ValidationError as exc:
        _fail(job, " ".join(exc.messages))
        raise
    except Exception as exc:
        _fail(job, str(exc))
        raise
    job.status = BackgroundJob.Status.SUCCEEDED
    job.done = job.total = outcome.done
    job.result = dict(outcome.result)
    job.message = outcome.message
    job.finished_at = timezone.now()
    job.save(
        update_fields=["status", "done", "total", "result", "message", "finished_at"]
    )
    return job
