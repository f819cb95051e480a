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
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from interactions_crm.platform.models import BackgroundJob

VIEW_JOB = "platform.view_backgroundjob"


class BackgroundJobSerializer(serializers.ModelSerializer[BackgroundJob]):
    """Status and progress of a background job."""

    progress_percent = serializers.IntegerField(read_only=True)
    is_finished = serializers.BooleanField(read_only=True)

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

    Readable by the user who started it, and by users allowed to view jobs.
    """

    serializer_class = BackgroundJobSerializer
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    required_permissions: ClassVar[dict[str, list[str]]] = {"retrieve": []}

    def get_queryset(self) -> QuerySet[BackgroundJob]:
        jobs = BackgroundJob.objects.all()
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or user.has_perm(VIEW_JOB):
            return jobs
        if isinstance(user, AnonymousUser):  # the permission check refuses them
            return jobs.none()
        return jobs.filter(actor=user)
