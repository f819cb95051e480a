"""Segments, their lines and criteria actions, saved criteria, logged segments
(DOMAIN §5, §6.5)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, CorrespondenceType, Salesperson
from interactions.models.choices import (
    MINUTES,
    MONEY,
    Evaluation,
    InformationFlow,
    InitiatedBy,
)
from interactions.models.masterdata import Attachment, Campaign, InteractionTemplate
from interactions_crm.platform.keys import key_validator


class Segment(models.Model):
    """A worksheet of contacts sharing interaction settings, until it is logged."""

    no = models.CharField(
        _("no."), max_length=20, unique=True, validators=[key_validator]
    )
    description = models.CharField(_("description"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    salesperson = models.ForeignKey(
        Salesperson,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="segments",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="segments",
    )
    campaign_target = models.BooleanField(_("campaign target"), default=False)
    campaign_response = models.BooleanField(_("campaign response"), default=False)
    template = models.ForeignKey(
        InteractionTemplate,
        verbose_name=_("interaction template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="segments",
    )
    information_flow = models.CharField(
        _("information flow"),
        max_length=10,
        choices=InformationFlow.choices,
        blank=True,
    )
    initiated_by = models.CharField(
        _("initiated by"), max_length=10, choices=InitiatedBy.choices, blank=True
    )
    unit_cost = models.DecimalField(
        _("unit cost (LCY)"), default=0, validators=[MinValueValidator(0)], **MONEY
    )
    unit_duration = models.DecimalField(
        _("unit duration (min.)"),
        default=0,
        validators=[MinValueValidator(0)],
        **MINUTES,
    )
    correspondence_type = models.CharField(
        _("correspondence type"),
        max_length=10,
        choices=CorrespondenceType.choices,
        blank=True,
    )
    ignore_contact_correspondence_type = models.BooleanField(
        _("ignore contact correspondence type"), default=False
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    language = models.CharField(_("language code"), max_length=10, blank=True)
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("attachment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="segments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["-no"]
        permissions = [("log_segment", _("Can log segments"))]

    def __str__(self) -> str:
        return f"{self.no} {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("interactions:segment-detail", kwargs={"no": self.no})


class SegmentLine(models.Model):
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        related_name="segment_lines",
    )
    contact_company = models.ForeignKey(
        Contact,
        verbose_name=_("contact company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    template = models.ForeignKey(
        InteractionTemplate,
        verbose_name=_("interaction template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    salesperson = models.ForeignKey(
        Salesperson,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    campaign_target = models.BooleanField(_("campaign target"), default=False)
    campaign_response = models.BooleanField(_("campaign response"), default=False)
    information_flow = models.CharField(
        _("information flow"),
        max_length=10,
        choices=InformationFlow.choices,
        blank=True,
    )
    initiated_by = models.CharField(
        _("initiated by"), max_length=10, choices=InitiatedBy.choices, blank=True
    )
    cost = models.DecimalField(_("cost (LCY)"), default=0, **MONEY)
    duration = models.DecimalField(_("duration (min.)"), default=0, **MINUTES)
    correspondence_type = models.CharField(
        _("correspondence type"),
        max_length=10,
        choices=CorrespondenceType.choices,
        blank=True,
    )
    language = models.CharField(_("language code"), max_length=10, blank=True)
    contact_via = models.CharField(_("contact via"), max_length=100, blank=True)
    evaluation = models.CharField(
        _("evaluation"), max_length=20, choices=Evaluation.choices, blank=True
    )
    attempt_failed = models.BooleanField(_("attempt failed"), default=False)

    class Meta:
        verbose_name = _("segment line")
        verbose_name_plural = _("segment lines")
        ordering = ["segment", "id"]
        indexes = [
            # "Contacts already in the segment" (add contacts), removing one
            # contact by hand. Not unique: "allow existing contacts" adds a
            # contact again, as in NAV.
            models.Index(
                fields=["segment", "contact"], name="segment_line_contact_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__gte=0), name="segment_line_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(duration__gte=0), name="segment_line_duration_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id}: {self.contact_id}"


class SegmentCriteriaAction(models.Model):
    """One recorded criteria action on a segment; the last one can be undone."""

    class Kind(models.TextChoices):
        ADD = "add", _("Add contacts")
        REDUCE = "reduce", _("Reduce contacts")
        REFINE = "refine", _("Refine contacts")
        ADD_ONE = "add_one", _("Add contact")
        REMOVE_ONE = "remove_one", _("Remove contact")
        REUSE_LOGGED_SEGMENT = "reuse_logged", _("Reuse logged segment")

    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        on_delete=models.CASCADE,
        related_name="criteria_actions",
    )
    seq = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    # Exactly what the action changed, so "go back" can undo it. The lines it
    # inserted are this segment's lines with ids in [inserted_from_id,
    # inserted_to_id] (one set-based insert while the segment is locked; lines
    # re-inserted by "go back" keep their ids). Removed lines are kept as full
    # snapshots (ids included) so they come back exactly as they were.
    inserted_from_id = models.PositiveBigIntegerField(null=True, blank=True)
    inserted_to_id = models.PositiveBigIntegerField(null=True, blank=True)
    removed_lines = models.JSONField(default=list, blank=True)
    line_count = models.PositiveIntegerField(_("lines affected"), default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("segment criteria action")
        verbose_name_plural = _("segment criteria actions")
        ordering = ["segment", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "seq"], name="segment_criteria_action_seq_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.segment_id}#{self.seq} {self.kind}"


class SavedCriteria(models.Model):
    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[key_validator]
    )
    description = models.CharField(_("description"), max_length=100, blank=True)
    # A list of {"kind", "criteria", "options"} dicts replayed in order.
    actions = models.JSONField(_("actions"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved segment criteria")
        verbose_name_plural = _("saved segment criteria")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class LoggedSegment(models.Model):
    segment_no = models.CharField(_("segment no."), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100)
    date = models.DateField(_("date"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    canceled = models.BooleanField(_("canceled"), default=False)

    class Meta:
        verbose_name = _("logged segment")
        verbose_name_plural = _("logged segments")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.segment_no} {self.description}"


class SegmentContent(models.Model):
    """The segment's own content in one language (NAV "Segment Interaction
    Language", DOMAIN §5): copied from the template when it is chosen and
    editable for this mailing without touching the template."""

    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        on_delete=models.CASCADE,
        related_name="contents",
    )
    language = models.CharField(_("language code"), max_length=10, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)

    class Meta:
        verbose_name = _("segment content")
        verbose_name_plural = _("segment contents")
        ordering = ["segment", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "language"], name="segment_content_language_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.segment.no} {self.language or '—'}"
