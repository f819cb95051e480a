"""Background jobs: one runner for every long run (claim, progress, finish, fail).

An app registers each kind of job once (:func:`register`) with a translated
label and a *runner*: a function that does the work for one
:class:`BackgroundJob` and reports progress. Services start jobs with
:func:`start_job`; the worker's task calls :func:`run_job`, which

* claims the job with a conditional ``UPDATE`` (queued → running, one more
  attempt), so two workers never run the same job;
* passes the runner a ``progress(done, total)`` callback that writes the
  figures for the progress bar (counted on from what earlier, interrupted
  runs already did) and the heartbeat; a runner calls it inside each batch's
  transaction, so the figures are exactly what was committed;
* keeps the heartbeat fresh on a timer while a long batch runs;
* marks the job succeeded with the runner's :class:`JobOutcome`, or failed: a
  refusal (``ValidationError``) with its messages, anything else with the
  error; either is re-raised, so the task's own result says failed too.

**Jobs never hang.** Each claim also schedules a *watch*: the same task, run
``CRM_JOB_STALE_AFTER`` seconds later. A watch that finds the job finished
stops; still running with a fresh heartbeat, it looks again later; running
with a heartbeat older than ``CRM_JOB_STALE_AFTER`` — its worker died — it
claims the job again and runs it to the end in this worker. The old worker,
should it still be alive, loses its claim: its next progress report or
heartbeat finds another attempt (or a cancel) and stops, rolling back its
batch (:class:`JobLost`). Runners continue from what is committed, so a job
finishes with the right counts however often it resumes.
"""

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from interactions_crm.platform.actors import Actor, user_or_none
from interactions_crm.platform.models import BackgroundJob

Progress = Callable[[int, int], None]

logger = logging.getLogger(__name__)

#: Seconds without a heartbeat after which a running job counts as stalled,
#: unless the setting ``CRM_JOB_STALE_AFTER`` says otherwise.
DEFAULT_STALE_AFTER = 120


def stale_after() -> float:
    """Seconds without a heartbeat before a running job is claimed again."""
    return float(getattr(settings, "CRM_JOB_STALE_AFTER", DEFAULT_STALE_AFTER))


def is_stale(heartbeat_at: dt.datetime | None) -> bool:
    """Whether a running job with this last heartbeat has lost its worker."""
    if heartbeat_at is None:
        return True
    return (timezone.now() - heartbeat_at).total_seconds() > stale_after()


class JobLost(Exception):
    """This worker's claim ended: the job was canceled or claimed again."""


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


def _watch_later(job_id: uuid.UUID | str, *, after: float) -> None:
    """Run the job's task again in ``after`` seconds, to look after it.

    A backend that cannot defer tasks (the immediate backend of a developer's
    machine) runs jobs within the request, where no worker can die apart
    from it: there is nothing to watch.
    """
    from interactions_crm.platform.tasks import run_job_task

    if not run_job_task.get_backend().supports_defer:
        return
    run_after = timezone.now() + dt.timedelta(seconds=after)
    run_job_task.using(run_after=run_after).enqueue(job_id=str(job_id))


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
    """Queue a failed, canceled or stalled job of ``kind`` again.

    The runner continues with what is left: what earlier runs committed stays
    done and counted. A job that is running with a live worker is refused;
    a stalled one also resumes by itself (see the module's docstring).
    """
    with transaction.atomic():
        current = (
            BackgroundJob.objects.select_for_update()
            .filter(pk=job.pk, kind=kind)
            .first()
        )
        resumable = current is not None and (
            current.status
            in (BackgroundJob.Status.FAILED, BackgroundJob.Status.CANCELED)
            or current.is_stalled
        )
        if not resumable:
            raise ValidationError(
                {
                    "status": [
                        ValidationError(
                            _("Only a failed, canceled or stalled job can be resumed."),
                            code="state",
                        )
                    ]
                }
            )
        BackgroundJob.objects.filter(pk=job.pk).update(
            status=BackgroundJob.Status.QUEUED, error="", finished_at=None
        )
        _enqueue_on_commit(job)
    job.refresh_from_db()
    return job


def cancel_job(*, job: BackgroundJob) -> BackgroundJob:
    """Stop a queued or running job; what it committed so far stays done.

    Its worker notices at its next progress report or heartbeat and rolls
    back the batch it was in (:class:`JobLost`).
    """
    updated = BackgroundJob.objects.filter(
        pk=job.pk,
        status__in=[BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING],
    ).update(
        status=BackgroundJob.Status.CANCELED,
        message=str(_("Canceled.")),
        finished_at=timezone.now(),
    )
    if not updated:
        raise ValidationError(
            {
                "status": [
                    ValidationError(
                        _("Only a queued or running job can be canceled."),
                        code="state",
                    )
                ]
            }
        )
    job.refresh_from_db()
    return job


def _claim(job: BackgroundJob, attempt: int) -> Any:
    """The rows of ``job`` that this worker's claim (``attempt``) still holds."""
    return BackgroundJob.objects.filter(
        pk=job.pk, status=BackgroundJob.Status.RUNNING, attempts=attempt
    )


def _fail(job: BackgroundJob, attempt: int, error: str) -> None:
    _claim(job, attempt).update(
        status=BackgroundJob.Status.FAILED,
        error=error[:2000],
        finished_at=timezone.now(),
    )


class _Heartbeat:
    """Refreshes a claimed job's heartbeat every ``every`` seconds, on a thread.

    For batches that take longer than the stale time between two progress
    reports (or runners that report none, such as logging a segment). It
    stops when the runner returns, and when the claim is lost.
    """

    def __init__(self, job: BackgroundJob, attempt: int, every: float) -> None:
        self.job, self.attempt, self.every = job, attempt, every
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._beat, name=f"heartbeat-{job.pk}", daemon=True
        )

    def __enter__(self) -> "_Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    beat = _claim(self.job, self.attempt).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    # E.g. SQLite busy with the runner's batch: the next beat
                    # or progress report tries again; a database that is gone
                    # fails the run there with the real error.
                    logger.warning(
                        "Heartbeat of job %s failed", self.job.pk, exc_info=True
                    )
                    continue
                if not beat:
                    return  # claimed again or canceled: progress() stops the run
        finally:
            connections.close_all()


def run_job(*, job_id: uuid.UUID | str) -> BackgroundJob:
    """Claim job ``job_id``, run its kind's runner, record the outcome.

    Also the job's watch: a job that is running with a fresh heartbeat is
    looked at again later; one whose heartbeat is stale is claimed again and
    run here. A finished job is returned as it is.
    """
    job = BackgroundJob.objects.select_related("actor").get(pk=job_id)
    if job.is_finished:
        return job
    if job.status == BackgroundJob.Status.RUNNING:
        if not job.is_stalled:
            beat = job.last_sign_of_life or timezone.now()
            wait = stale_after() - (timezone.now() - beat).total_seconds()
            _watch_later(job.pk, after=max(wait, 0) + 1)
            return job
        # Its worker died: take the job over (only one watch wins).
        BackgroundJob.objects.filter(
            pk=job.pk,
            status=BackgroundJob.Status.RUNNING,
            attempts=job.attempts,
        ).update(status=BackgroundJob.Status.QUEUED)
        logger.warning("Job %s stalled; resuming it", job.pk)
    now = timezone.now()
    claimed = BackgroundJob.objects.filter(
        pk=job_id, status=BackgroundJob.Status.QUEUED
    ).update(
        status=BackgroundJob.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
    )
    job = BackgroundJob.objects.select_related("actor").get(pk=job_id)
    if not claimed:
        return job
    attempt = job.attempts
    _watch_later(job.pk, after=stale_after())

    # A resumed job counts on from what its earlier runs did.
    already_done = job.done

    def progress(done: int, total: int) -> None:
        reported = _claim(job, attempt).update(
            done=already_done + done,
            total=already_done + max(total, done),
            heartbeat_at=timezone.now(),
        )
        if not reported:
            raise JobLost(job.pk)
        delay = float(getattr(settings, "CRM_JOB_PROGRESS_DELAY", 0))
        if delay:  # slows a run down for the job-kill test (a test setting)
            threading.Event().wait(delay)

    try:
        with _Heartbeat(job, attempt, every=stale_after() / 4):
            outcome = _KINDS[job.kind].run(job, progress)
    except JobLost:
        logger.info("Job %s: this worker's claim ended; stopped", job.pk)
        job.refresh_from_db()
        return job
    except ValidationError as exc:
        _fail(job, attempt, " ".join(exc.messages))
        raise
    except Exception as exc:
        _fail(job, attempt, str(exc))
        raise
    # A cancel that came after the last progress report did not stop the work
    # (an all-or-nothing runner reports none): the job's true state wins.
    BackgroundJob.objects.filter(
        pk=job.pk,
        attempts=attempt,
        status__in=[BackgroundJob.Status.RUNNING, BackgroundJob.Status.CANCELED],
    ).update(
        status=BackgroundJob.Status.SUCCEEDED,
        done=outcome.done,
        total=outcome.done,
        result=dict(outcome.result),
        message=outcome.message[:255],
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job
