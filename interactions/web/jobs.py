"""A background job's page: progress (polled over htmx), result, resume, cancel.

Deleting canceled entries and logging a segment run as a job when they are
large (:func:`interactions.services.jobs.runs_in_background`); the staff page
that started one sends the user here. Who may follow a job depends on its
kind: the permission of the page that starts such jobs.
"""

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interactions.services import CanceledEntryFilter, resume_delete_canceled_job
from interactions.services.delete_canceled import PREVIEW_PARAM, DeletePreview
from interactions.services.jobs import JobKind
from interactions.web.base import (
    DELETE_CANCELED,
    LOG_SEGMENT,
    StaffDetailView,
    StaffPermissionMixin,
    StaffRequest,
    StaffView,
    show_validation_error,
)
from interactions_crm.platform.jobs import cancel_job
from interactions_crm.platform.models import BackgroundJob


@dataclass(frozen=True)
class JobPage:
    """How the staff pages treat one kind of job."""

    permission: str
    #: A failed run can continue where it stopped (a segment log is all or
    #: nothing: it is simply logged again from the segment's page).
    resumable: bool


JOB_PAGES: dict[str, JobPage] = {
    JobKind.DELETE_CANCELED_ENTRIES: JobPage(DELETE_CANCELED, resumable=True),
    JobKind.LOG_SEGMENT: JobPage(LOG_SEGMENT, resumable=False),
}


#: The labels of the delete-canceled filters, as on the page that starts it.
DELETE_CANCELED_LABELS: dict[str, Promise] = {
    "entry_no_from": gettext_lazy("Entry no. from"),
    "entry_no_to": gettext_lazy("Entry no. to"),
    "contact": gettext_lazy("Contact"),
    "date_from": gettext_lazy("Date from"),
    "date_to": gettext_lazy("Date to"),
    "campaign": gettext_lazy("Campaign"),
    "group": gettext_lazy("Interaction group"),
    "template": gettext_lazy("Interaction template"),
    "salesperson": gettext_lazy("Salesperson"),
}


@dataclass(frozen=True)
class JobParameter:
    """One labelled parameter a job ran with; ``value`` is rendered by type
    (a date or time in the user's format, a boolean as Yes/No, a contact as
    its no. and name)."""

    label: str
    value: Any
    href: str = ""

    @property
    def is_date(self) -> bool:
        return isinstance(self.value, dt.date) and not isinstance(
            self.value, dt.datetime
        )

    @property
    def is_datetime(self) -> bool:
        return isinstance(self.value, dt.datetime)

    @property
    def is_bool(self) -> bool:
        return isinstance(self.value, bool)


def job_parameters(job: BackgroundJob) -> list[JobParameter]:
    """The filters and options ``job`` ran with, labelled, in the page's order.

    A parameter that no longer resolves (its contact was deleted since) is
    shown as stored, marked so; it is never dropped silently.
    """
    params = dict(job.params)
    if job.kind == JobKind.LOG_SEGMENT:
        no = params.get("segment_no", "")
        return [
            JobParameter(
                _("Segment"),
                no,
                reverse("interactions:segment-detail", args=[no]) if no else "",
            ),
            JobParameter(_("Send attachments"), bool(params.get("send"))),
            JobParameter(_("Create follow-up segment"), bool(params.get("follow_up"))),
        ]
    preview = params.pop(PREVIEW_PARAM, None)
    shown: list[JobParameter] = []
    for name in (f.name for f in fields(CanceledEntryFilter)):
        if name not in params or params[name] in (None, ""):
            continue
        label = str(DELETE_CANCELED_LABELS.get(name, name))
        try:
            value = getattr(CanceledEntryFilter.from_params({name: params[name]}), name)
        except ValidationError:
            value = _("%(value)s (no longer exists)") % {"value": params[name]}
        shown.append(JobParameter(label, value))
    if not shown:
        shown.append(
            JobParameter(
                _("Filters"), _("None: every canceled entry that is not postponed.")
            )
        )
    if preview:
        counted = DeletePreview.from_params(preview)
        shown += [
            JobParameter(_("Entries counted in the preview"), counted.count),
            JobParameter(_("Up to entry no."), counted.last_entry_no or "–"),
            JobParameter(_("Counted at"), counted.at),
        ]
    return shown


class JobAccessMixin(StaffPermissionMixin):
    """Loads the job and asks for the permission of its kind (404: no page)."""

    kwargs: dict[str, Any]
    job: BackgroundJob

    def get_permission_required(self) -> tuple[str, ...]:
        self.job = get_object_or_404(
            BackgroundJob.objects.select_related("actor"), pk=self.kwargs["pk"]
        )
        page = JOB_PAGES.get(self.job.kind)
        if page is None:
            raise Http404(_("This job has no page."))
        return (page.permission,)


class JobDetailView(JobAccessMixin, StaffDetailView[BackgroundJob]):
    """A background job's progress; htmx polls the progress partial."""

    model = BackgroundJob
    context_object_name = "job"
    template_name = "interactions/job_detail.html"

    def get_object(self, queryset: QuerySet[BackgroundJob] | None = None) -> Any:
        return self.job

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["interactions/includes/job_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        resumable = JOB_PAGES[self.job.kind].resumable
        job = self.job
        context["resumable"] = resumable
        context["offer_resume"] = resumable and (
            job.status in (job.Status.FAILED, job.Status.CANCELED) or job.is_stalled
        )
        # Only a job that reports progress per batch can stop in the middle.
        context["cancelable"] = resumable and not job.is_finished
        context["parameters"] = job_parameters(job)
        return context


class JobResumeView(JobAccessMixin, StaffView):
    """Queue a failed or interrupted job again; it continues where it stopped."""

    http_method_names = ["post"]

    def post(self, request: StaffRequest, pk: str) -> HttpResponse:
        if not JOB_PAGES[self.job.kind].resumable:
            raise Http404(_("This job cannot be resumed."))
        try:
            resume_delete_canceled_job(actor=request.user, job=self.job)
        except ValidationError as error:
            show_validation_error(request, error)
        else:
            messages.info(request, _("The job has been queued again."))
        return redirect("interactions:job-detail", pk=self.job.pk)


class JobCancelView(JobAccessMixin, StaffView):
    """Stop a queued or running job; what it committed stays done (resumable)."""

    http_method_names = ["post"]

    def post(self, request: StaffRequest, pk: str) -> HttpResponse:
        if not JOB_PAGES[self.job.kind].resumable:
            raise Http404(_("This job cannot be canceled."))
        try:
            cancel_job(job=self.job)
        except ValidationError as error:
            show_validation_error(request, error)
        else:
            messages.info(request, _("The job has been canceled."))
        return redirect("interactions:job-detail", pk=self.job.pk)
