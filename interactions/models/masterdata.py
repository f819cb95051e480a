"""What interactions are made of: groups, templates and their content, campaigns,
attachments, and the document-type → template setup (DOMAIN §2)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contacts.models import CorrespondenceType, Salesperson
from interactions.models.choices import (
    MINUTES,
    MONEY,
    DocumentType,
    InformationFlow,
    InitiatedBy,
    TemplatePurpose,
    WizardAction,
)
from interactions_crm.platform.keys import key_validator


class InteractionGroup(models.Model):
    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[key_validator]
    )
    description = models.CharField(_("description"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("interaction group")
        verbose_name_plural = _("interaction groups")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Campaign(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")

    no = models.CharField(
        _("no."), max_length=20, unique=True, validators=[key_validator]
    )
    description = models.CharField(_("description"), max_length=100)
    starting_date = models.DateField(_("starting date"), null=True, blank=True)
    ending_date = models.DateField(_("ending date"), null=True, blank=True)
    salesperson = models.ForeignKey(
        Salesperson,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["no"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starting_date__isnull=True)
                | Q(ending_date__isnull=True)
                | Q(starting_date__lte=F("ending_date")),
                name="campaign_start_not_after_end",
                violation_error_message=_(
                    "The starting date must not be after the ending date."
                ),
                # A rule across two fields: the API answers 422 (errors.py).
                violation_error_code="unprocessable",
            )
        ]

    def __str__(self) -> str:
        return f"{self.no} {self.description}"


class Attachment(models.Model):
    """Content actually sent or received: an uploaded file and/or merged text."""

    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    read_only = models.BooleanField(_("read only"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.file_name or self.subject or f"#{self.pk}"


class InteractionTemplate(models.Model):
    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[key_validator]
    )
    group = models.ForeignKey(
        InteractionGroup,
        verbose_name=_("interaction group"),
        on_delete=models.PROTECT,
        related_name="templates",
    )
    description = models.CharField(_("description"), max_length=100, blank=True)
    unit_cost = models.DecimalField(
        _("unit cost (LCY)"), default=0, validators=[MinValueValidator(0)], **MONEY
    )
    unit_duration = models.DecimalField(
        _("unit duration (min.)"),
        default=0,
        validators=[MinValueValidator(0)],
        **MINUTES,
    )
    information_flow = models.CharField(
        _("information flow"),
        max_length=10,
        choices=InformationFlow.choices,
        blank=True,
        default=InformationFlow.BLANK,
    )
    initiated_by = models.CharField(
        _("initiated by"),
        max_length=10,
        choices=InitiatedBy.choices,
        blank=True,
        default=InitiatedBy.BLANK,
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="templates",
    )
    campaign_target = models.BooleanField(_("campaign target"), default=False)
    campaign_response = models.BooleanField(_("campaign response"), default=False)
    correspondence_type = models.CharField(
        _("correspondence type (default)"),
        max_length=10,
        choices=CorrespondenceType.choices,
        blank=True,
        default=CorrespondenceType.BLANK,
    )
    ignore_contact_correspondence_type = models.BooleanField(
        _("ignore contact correspondence type"), default=False
    )
    language = models.CharField(_("language code (default)"), max_length=10, blank=True)
    wizard_action = models.CharField(
        _("wizard action"),
        max_length=10,
        choices=WizardAction.choices,
        blank=True,
        default=WizardAction.BLANK,
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=10,
        choices=TemplatePurpose.choices,
        default=TemplatePurpose.MARKETING,
        help_text=_(
            "Marketing e-mail is not sent to contacts who opted out or addresses "
            "on the suppression list; service e-mail (documents, replies) is."
        ),
    )

    class Meta:
        verbose_name = _("interaction template")
        verbose_name_plural = _("interaction templates")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0),
                name="template_unit_cost_not_negative",
                violation_error_message=_("Unit cost must not be negative."),
            ),
            models.CheckConstraint(
                condition=Q(unit_duration__gte=0),
                name="template_unit_duration_not_negative",
                violation_error_message=_("Unit duration must not be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.description}" if self.description else self.code


class TemplateContent(models.Model):
    """Per-language content of a template: subject and body with merge fields."""

    template = models.ForeignKey(
        InteractionTemplate,
        verbose_name=_("interaction template"),
        on_delete=models.CASCADE,
        related_name="contents",
    )
    language = models.CharField(_("language code"), max_length=10, blank=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_(
            "Merge fields: {{ contact.name }}, {{ contact.company_name }}, "
            "{{ salesperson.name }}, {{ date }} …"
        ),
    )
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("attachment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="template_contents",
    )

    class Meta:
        verbose_name = _("template content")
        verbose_name_plural = _("template contents")
        ordering = ["template", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language"],
                name="template_content_language_unique",
                violation_error_message=_(
                    "The template already has content in this language."
                ),
                # A duplicate key: the API answers 409 (errors.py).
                violation_error_code="unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template.code} [{self.language or '-'}]"


class DocumentTemplateSetup(models.Model):
    """Which template records each document type automatically (blank: none)."""

    document_type = models.CharField(
        _("document type"), max_length=40, choices=DocumentType.choices, unique=True
    )
    template = models.ForeignKey(
        InteractionTemplate,
        verbose_name=_("interaction template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document_setups",
    )

    class Meta:
        verbose_name = _("interaction template setup")
        verbose_name_plural = _("interaction template setup")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_document_type_display()
