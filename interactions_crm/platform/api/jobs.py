"""Background jobs in the REST API: the 202 answer and ``jobs/{id}/``.

A run too large for one request (``interactions.services.jobs.
runs_in_background`` decides) is started as a job; the API answers 202 with
the job and its URL in ``Location``, and the client polls that URL for status
and progress. Jobs are the platform's (``interactions_crm.platform.jobs``), so
their API is too.
"""

from typing import ClassVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from interactions_crm.platform import jobs
from interactions_crm.platform.api.errors import conflict_on_refusal
from interactions_crm.platform.models import BackgroundJob

VIEW_JOB = "platform.view_backgroundjob"
CHANGE_JOB = "platform.change_backgroundjob"


class BackgroundJobSerializer(serializers.ModelSerializer[BackgroundJob]):
    """Status and progress of a background job."""

    progress_percent = serializers.IntegerField(read_only=True)
    is_finished = serializers.BooleanField(read_only=True)
    state = serializers.ChoiceField(
        choices=[*BackgroundJob.Status.values, "stalled", "resumed"],
        read_only=True,
        help_text="The true state: `status`, except that a running job whose "
        "worker stopped reporting is `stalled` (it is resumed by the next "
        "worker by itself, or by POST resume/), and one running again after "
        "an interruption is `resumed`.",
    )

    class Meta:
        model = BackgroundJob
        fields = (
            "id",
            "kind",
            "status",
            "total",
            "done",
            "progress_percent",
            "is_finished",
            "state",
            "attempts",
            "heartbeat_at",
            "message",
            "error",
            "result",
            "created_at",
            "started_at",
            "finished_at",
        )
        read_only_fields = fields


def job_response(request: Request, job: BackgroundJob) -> Response:
    """202 with the job and where to poll it."""
    location = request.build_absolute_uri(
        reverse("api:job-detail", kwargs={"pk": job.pk})
    )
    return Response(
        BackgroundJobSerializer(job).data,
        status=status.HTTP_202_ACCEPTED,
        headers={"Location": location},
    )


class BackgroundJobViewSet(
    mixins.RetrieveModelMixin, viewsets.GenericViewSet[BackgroundJob]
):
    """Status and progress of a background job started through the API.

    Readable by the user who started it, and by users allowed to view jobs;
    resumed or canceled by the user who started it, and by users allowed to
    change jobs.
    """

    serializer_class = BackgroundJobSerializer
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    required_permissions: ClassVar[dict[str, list[str]]] = {
        "retrieve": [],
        "resume": [],
        "cancel": [],
    }

    def _changeable(self) -> BackgroundJob:
        job = self.get_object()
        user = self.request.user
        if job.actor_id != user.pk and not user.has_perm(CHANGE_JOB):
            raise exceptions.PermissionDenied(
                _("Only the user who started the job may resume or cancel it.")
            )
        return job

    @extend_schema(request=None, responses={202: BackgroundJobSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        """Queue a failed, canceled or stalled job again (409 otherwise); it
        continues with what is left and writes no second audit event."""
        job = self._changeable()
        with conflict_on_refusal():
            job = jobs.resume_job(job=job, kind=job.kind)
        return job_response(request, job)

    @extend_schema(request=None, responses=BackgroundJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Stop a queued or running job (409 otherwise); what it did stays done."""
        job = self._changeable()
        with conflict_on_refusal():
            job = jobs.cancel_job(job=job)
        return Response(BackgroundJobSerializer(job).data)

    def get_queryset(self) -> QuerySet[BackgroundJob]:
        jobs = BackgroundJob.objects.all()
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or user.has_perm(VIEW_JOB):
            return jobs
        if isinstance(user, AnonymousUser):  # the permission check refuses them
            return jobs.none()
        return jobs.filter(actor=user)
