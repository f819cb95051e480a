"""Interaction groups, templates, the interaction log (ledger), segments and audit."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, CorrespondenceType, Salesperson

MONEY = {"max_digits": 14, "decimal_places": 2}
MINUTES = {"max_digits": 10, "decimal_places": 2}


class InformationFlow(models.TextChoices):
    BLANK = "", _("(blank)")
    OUTBOUND = "outbound", _("Outbound")
    INBOUND = "inbound", _("Inbound")


class InitiatedBy(models.TextChoices):
    BLANK = "", _("(blank)")
    US = "us", _("Us")
    THEM = "them", _("Them")


class Evaluation(models.TextChoices):
    BLANK = "", _("(blank)")
    VERY_POSITIVE = "very_positive", _("Very positive")
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    VERY_NEGATIVE = "very_negative", _("Very negative")


class DeliveryStatus(models.TextChoices):
    BLANK = "", _("(blank)")
    IN_PROGRESS = "in_progress", _("In progress")
    ERROR = "error", _("Error")


class WizardAction(models.TextChoices):
    BLANK = "", _("(blank)")
    OPEN = "open", _("Open")
    IMPORT = "import", _("Import")
    MERGE = "merge", _("Merge")


class DocumentType(models.TextChoices):
    """Document kinds that can be recorded automatically (NAV enum 5099 + events)."""

    SALES_QUOTE = "sales_quote", _("Sales quote")
    SALES_BLANKET_ORDER = "sales_blanket_order", _("Sales blanket order")
    SALES_ORDER_CONFIRMATION = "sales_order_confirmation", _("Sales order confirmation")
    SALES_INVOICE = "sales_invoice", _("Sales invoice")
    SALES_SHIPMENT_NOTE = "sales_shipment_note", _("Sales shipment note")
    SALES_CREDIT_MEMO = "sales_credit_memo", _("Sales credit memo")
    SALES_STATEMENT = "sales_statement", _("Sales statement")
    SALES_REMINDER = "sales_reminder", _("Sales reminder")
    SERVICE_ORDER_CREATE = "service_order_create", _("Service order create")
    SERVICE_ORDER_POST = "service_order_post", _("Service order post")
    PURCHASE_QUOTE = "purchase_quote", _("Purchase quote")
    PURCHASE_BLANKET_ORDER = "purchase_blanket_order", _("Purchase blanket order")
    PURCHASE_ORDER = "purchase_order", _("Purchase order")
    PURCHASE_INVOICE = "purchase_invoice", _("Purchase invoice")
    PURCHASE_RECEIPT = "purchase_receipt", _("Purchase receipt")
    PURCHASE_CREDIT_MEMO = "purchase_credit_memo", _("Purchase credit memo")
    COVER_SHEET = "cover_sheet", _("Cover sheet")
    SALES_RETURN_ORDER = "sales_return_order", _("Sales return order")
    SALES_FINANCE_CHARGE_MEMO = (
        "sales_finance_charge_memo",
        _("Sales finance charge memo"),
    )
    SALES_RETURN_RECEIPT = "sales_return_receipt", _("Sales return receipt")
    PURCHASE_RETURN_SHIPMENT = "purchase_return_shipment", _("Purchase return shipment")
    PURCHASE_RETURN_ORDER_CONFIRMATION = (
        "purchase_return_order_confirmation",
        _("Purchase return order confirmation"),
    )
    SERVICE_CONTRACT = "service_contract", _("Service contract")
    SERVICE_CONTRACT_QUOTE = "service_contract_quote", _("Service contract quote")
    SERVICE_QUOTE = "service_quote", _("Service quote")
    SALES_DRAFT_INVOICE = "sales_draft_invoice", _("Sales draft invoice")
    EMAIL = "email", _("E-mail")
    EMAIL_DRAFT = "email_draft", _("E-mail draft")
    OUTGOING_CALL = "outgoing_call", _("Outgoing call")
    MEETING_INVITATION = "meeting_invitation", _("Meeting invitation")


class InteractionGroup(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
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

    no = models.CharField(_("no."), max_length=20, unique=True)
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
    code = models.CharField(_("code"), max_length=20, unique=True)
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


class InteractionLogEntryQuerySet(models.QuerySet):
    def visible(self) -> "InteractionLogEntryQuerySet":
        """Entries shown in the log: everything not postponed."""
        return self.filter(postponed=False)

    def postponed(self) -> "InteractionLogEntryQuerySet":
        return self.filter(postponed=True)

    def counted(self) -> "InteractionLogEntryQuerySet":
        """Entries that count in statistics: neither canceled nor postponed."""
        return self.filter(canceled=False, postponed=False)

    def canceled(self) -> "InteractionLogEntryQuerySet":
        return self.filter(canceled=True, postponed=False)

    def for_contact(self, contact: Contact) -> "InteractionLogEntryQuerySet":
        """A company's entries include its persons'; a person's only its own."""
        if contact.is_company:
            return self.filter(contact_company=contact)
        return self.filter(contact=contact)

    def with_related(self) -> "InteractionLogEntryQuerySet":
        return self.select_related(
            "contact", "template", "group", "salesperson", "campaign"
        )

    def newest_first(self) -> "InteractionLogEntryQuerySet":
        return self.order_by("-date", "-entry_no")

    def totals(self) -> dict:
        """Number, cost and duration of the counted entries in this queryset."""
        result = self.counted().aggregate(
            count=models.Count("entry_no"),
            cost=Sum("cost", default=0),
            duration=Sum("duration", default=0),
        )
        return result


class InteractionLogEntry(models.Model):
    """One interaction with one contact. A ledger row: see DOMAIN §3."""

    entry_no = models.BigAutoField(_("entry no."), primary_key=True)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        related_name="interaction_entries",
    )
    contact_company = models.ForeignKey(
        Contact,
        verbose_name=_("contact company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="company_interaction_entries",
    )
    date = models.DateField(_("date"))
    time = models.TimeField(_("time"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    template = models.ForeignKey(
        InteractionTemplate,
        verbose_name=_("interaction template"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    group = models.ForeignKey(
        InteractionGroup,
        verbose_name=_("interaction group"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    cost = models.DecimalField(_("cost (LCY)"), default=0, **MONEY)
    duration = models.DecimalField(_("duration (min.)"), default=0, **MINUTES)
    salesperson = models.ForeignKey(
        Salesperson,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interaction_entries",
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
    attempt_failed = models.BooleanField(_("attempt failed"), default=False)
    evaluation = models.CharField(
        _("evaluation"), max_length=20, choices=Evaluation.choices, blank=True
    )
    correspondence_type = models.CharField(
        _("correspondence type"),
        max_length=10,
        choices=CorrespondenceType.choices,
        blank=True,
    )
    delivery_status = models.CharField(
        _("delivery status"), max_length=20, choices=DeliveryStatus.choices, blank=True
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interaction_entries",
    )
    campaign_target = models.BooleanField(_("campaign target"), default=False)
    campaign_response = models.BooleanField(_("campaign response"), default=False)
    segment_no = models.CharField(_("segment no."), max_length=20, blank=True)
    logged_segment = models.ForeignKey(
        LoggedSegment,
        verbose_name=_("logged segment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    document_type = models.CharField(
        _("document type"), max_length=40, choices=DocumentType.choices, blank=True
    )
    document_no = models.CharField(_("document no."), max_length=40, blank=True)
    version_no = models.PositiveIntegerField(_("version no."), default=0)
    doc_occurrence = models.PositiveIntegerField(_("doc. no. occurrence"), default=0)
    contact_via = models.CharField(_("contact via"), max_length=100, blank=True)
    language = models.CharField(_("language code"), max_length=10, blank=True)
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("attachment"),
        # Deleting canceled entries removes orphaned attachments in SQL; an
        # attachment still in use is never deleted.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    opportunity_ref = models.CharField(_("opportunity"), max_length=40, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    canceled = models.BooleanField(_("canceled"), default=False)
    canceled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("canceled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    canceled_at = models.DateTimeField(_("canceled at"), null=True, blank=True)
    cancel_reason = models.CharField(
        _("reason for canceling"), max_length=200, blank=True
    )
    # True when the entry was canceled by canceling its logged segment, so that
    # un-canceling the segment revives exactly those entries (DOMAIN §6.2).
    canceled_with_segment = models.BooleanField(
        _("canceled with logged segment"), default=False
    )
    postponed = models.BooleanField(_("postponed"), default=False)

    objects = InteractionLogEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction log entry")
        verbose_name_plural = _("interaction log entries")
        ordering = ["-date", "-entry_no"]
        permissions = [
            (
                "cancel_interactionlogentry",
                _("Can cancel and un-cancel interaction log entries"),
            ),
            ("evaluate_interactionlogentry", _("Can evaluate interaction log entries")),
            (
                "delete_canceled_interactionlogentry",
                _("Can delete canceled interaction log entries"),
            ),
        ]
        indexes = [
            # The log page and API list: newest first, keyset on (date, entry_no).
            models.Index(fields=["-date", "-entry_no"], name="entry_date_no_idx"),
            # A person's timeline.
            models.Index(
                fields=["contact", "-date", "-entry_no"], name="entry_contact_date_idx"
            ),
            # A company's timeline (its own and its persons' entries).
            models.Index(
                fields=["contact_company", "-date", "-entry_no"],
                name="entry_company_date_idx",
            ),
            # Template statistics and "had an entry with template" criteria.
            models.Index(
                fields=["template", "canceled", "date"], name="entry_template_idx"
            ),
            # Salesperson statistics and filters.
            models.Index(fields=["salesperson", "date"], name="entry_salesperson_idx"),
            models.Index(fields=["group", "date"], name="entry_group_idx"),
            models.Index(fields=["campaign", "date"], name="entry_campaign_idx"),
            # Cancel/un-cancel a logged segment.
            models.Index(fields=["logged_segment"], name="entry_logged_segment_idx"),
            # Delete canceled entries: scan only the canceled ones by key range.
            models.Index(
                fields=["entry_no"],
                condition=Q(canceled=True),
                name="entry_canceled_idx",
            ),
            # The postponed interactions page.
            models.Index(
                fields=["logged_by", "entry_no"],
                condition=Q(postponed=True),
                name="entry_postponed_idx",
            ),
        ]
        constraints = [
            # record_document is idempotent per (type, number, version, occurrence).
            models.UniqueConstraint(
                fields=["document_type", "document_no", "version_no", "doc_occurrence"],
                condition=~Q(document_type="") & ~Q(document_no=""),
                name="entry_document_unique",
            ),
            models.CheckConstraint(
                condition=Q(cost__gte=0), name="entry_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(duration__gte=0), name="entry_duration_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(canceled=True) | Q(canceled_with_segment=False),
                name="entry_canceled_with_segment_implies_canceled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_no}: {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("interactions:entry-detail", kwargs={"entry_no": self.entry_no})


class EntryComment(models.Model):
    entry = models.ForeignKey(
        InteractionLogEntry,
        verbose_name=_("interaction log entry"),
        # delete_canceled_entries removes comments in SQL before their entries.
        on_delete=models.CASCADE,
        related_name="comments",
    )
    date = models.DateField(_("date"))
    code = models.CharField(_("code"), max_length=20, blank=True)
    text = models.CharField(_("comment"), max_length=500)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    modified_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("interaction log entry comment")
        verbose_name_plural = _("interaction log entry comments")
        ordering = ["entry", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class Segment(models.Model):
    """A worksheet of contacts sharing interaction settings, until it is logged."""

    no = models.CharField(_("no."), max_length=20, unique=True)
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
    code = models.CharField(_("code"), max_length=20, unique=True)
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
