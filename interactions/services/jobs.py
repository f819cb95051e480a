"""The interactions app's kinds of background job and their runners.

Each kind is registered once with the platform's job runner
(:mod:`interactions_crm.platform.jobs`), which claims, runs, reports and
finishes every job the same way. :func:`runs_in_background` is the one
decision, for staff pages, admin and API alike, whether a run is done now or
as a job.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from interactions_crm.platform import jobs


class JobKind(models.TextChoices):
    DELETE_CANCELED_ENTRIES = (
        "delete_canceled_entries",
        _("Delete canceled interaction log entries"),
    )
    LOG_SEGMENT = "log_segment", _("Log segment")


def runs_in_background(count: int) -> bool:
    """Whether a run over ``count`` rows is done as a background job.

    ``CRM_BACKGROUND_THRESHOLD`` (a setting) is the largest run done within
    the request; anything larger goes to the task worker with a progress bar.
    """
    return count > settings.CRM_BACKGROUND_THRESHOLD


def register_job_kinds() -> None:
    """Register every kind with its runner (``InteractionsConfig.ready``)."""
    from interactions.services.delete_canceled import run_delete_canceled
    from interactions.services.segments.logging import run_log_segment

    jobs.register(
        JobKind.DELETE_CANCELED_ENTRIES,
        JobKind.DELETE_CANCELED_ENTRIES.label,
        run_delete_canceled,
    )
    jobs.register(JobKind.LOG_SEGMENT, JobKind.LOG_SEGMENT.label, run_log_segment)
