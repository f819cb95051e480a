"""A background job's page: progress (polled over htmx), result, resume, cancel.

Deleting canceled entries and logging a segment run as a job when they are
large (:func:`interactions.services.jobs.runs_in_background`); the staff page
that started one sends the user here. Who may follow a job depends on its
kind: the permission of the page that starts such jobs.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from interactions.services import resume_delete_canceled_job
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
