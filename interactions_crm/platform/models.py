"""Models both apps share: audit events, background jobs, API idempotency keys.

They lived in the ``interactions`` app until the platform package was split off
(migrations ``interactions.0008`` and ``platform.0001`` moved them without
touching the data); their tables keep their original names.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One state change by a person or integrator (DOMAIN §9)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_repr = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=60, blank=True)
    count = models.PositiveIntegerField(_("count"), default=1)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        db_table = "interactions_auditevent"
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["action", "-id"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action}"


class BackgroundJob(models.Model):
    """A long run (e.g. deleting canceled entries) done by the task worker.

    The staff page and ``/api/v1/jobs/{id}/`` poll it for status and progress;
    the task updates ``done``/``total`` after each committed batch. The worker
    running it refreshes ``heartbeat_at``; a running job whose heartbeat is
    older than ``CRM_JOB_STALE_AFTER`` seconds has lost its worker (stalled)
    and is claimed again by the next one (``attempts`` counts the claims).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Canceled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveBigIntegerField(_("total"), default=0)
    done = models.PositiveBigIntegerField(_("done"), default=0)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="background_jobs",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        db_table = "interactions_backgroundjob"
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind_label} ({self.get_status_display()})"

    @property
    def kind_label(self) -> str:
        """The translated name its app registered for ``kind`` (``jobs.register``)."""
        from interactions_crm.platform.jobs import kind_label

        return kind_label(self.kind)

    @property
    def progress_percent(self) -> int:
        """Whole percent done, 100 once the job succeeded."""
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in (
            self.Status.SUCCEEDED,
            self.Status.FAILED,
            self.Status.CANCELED,
        )

    @property
    def is_stalled(self) -> bool:
        """Running, but its worker has not reported for ``CRM_JOB_STALE_AFTER`` s."""
        from interactions_crm.platform.jobs import is_stale

        return self.status == self.Status.RUNNING and is_stale(self.last_sign_of_life)

    @property
    def last_sign_of_life(self) -> "dt.datetime | None":
        """Its last heartbeat; for a job claimed before heartbeats existed, when
        it started (or was created)."""
        return self.heartbeat_at or self.started_at or self.created_at

    @property
    def state(self) -> str:
        """Its true state: the status, or ``stalled`` / ``resumed`` when running."""
        if self.status == self.Status.RUNNING:
            if self.is_stalled:
                return "stalled"
            if self.attempts > 1:
                return "resumed"
        return str(self.status)

    @property
    def state_label(self) -> str:
        """The translated :attr:`state`."""
        labels = {
            "stalled": _("Stalled: its worker stopped; it resumes by itself"),
            "resumed": _("Running (resumed)"),
        }
        return str(labels.get(self.state) or self.get_status_display())


class IdempotencyKey(models.Model):
    """The first response to a creating API request sent with ``Idempotency-Key``.

    A retry with the same key and the same request (``fingerprint``) gets this
    response replayed instead of repeating the change; the same key with another
    request is refused. One key per user; kept 24 hours
    (``interactions_crm.platform.api.idempotency``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("response status"))
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "interactions_idempotencykey"
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            # Looking up a retry, and the race of two concurrent first requests.
            models.UniqueConstraint(
                fields=["user", "key"], name="idempotency_key_user_key_unique"
            )
        ]
        indexes = [
            # Pruning expired keys.
            models.Index(fields=["created_at"], name="idempotency_key_created_idx")
        ]

    def __str__(self) -> str:
        return self.key


# API tokens are defined with their hashing (issue #11); imported here so that
# the platform app owns the model and its migrations.
from interactions_crm.platform.api.tokens import ApiToken  # noqa: E402,F401
