"""The interaction log (the ledger, DOMAIN §3) and its comments."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Aggregate, Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, CorrespondenceType, Salesperson
from interactions.models.choices import (
    MINUTES,
    MONEY,
    DeliveryStatus,
    DocumentType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
)
from interactions.models.masterdata import (
    Attachment,
    Campaign,
    InteractionGroup,
    InteractionTemplate,
)
from interactions.models.segments import LoggedSegment


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

    @staticmethod
    def counted_condition(
        prefix: str = "",
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> Q:
        """Entries that count in statistics (DOMAIN §7), within a date range.

        Neither canceled nor postponed, dated from ``date_from`` to ``date_to``
        (both included, either open). ``prefix`` reaches the entries through a
        relation (``"entries__"``) for annotations.
        """
        condition = Q(**{f"{prefix}canceled": False, f"{prefix}postponed": False})
        if date_from is not None:
            condition &= Q(**{f"{prefix}date__gte": date_from})
        if date_to is not None:
            condition &= Q(**{f"{prefix}date__lte": date_to})
        return condition

    @staticmethod
    def figure_aggregates(condition: Q, prefix: str = "") -> dict[str, Aggregate]:
        """The one definition of §7's figures: ``count``, ``cost``, ``duration``.

        Filtered aggregates of the entries matching ``condition`` (see
        :meth:`counted_condition`), so several figure sets share one query.
        """
        return {
            "count": Count(f"{prefix}entry_no", filter=condition),
            "cost": Sum(f"{prefix}cost", filter=condition, default=0),
            "duration": Sum(f"{prefix}duration", filter=condition, default=0),
        }

    def totals(
        self, date_from: dt.date | None = None, date_to: dt.date | None = None
    ) -> dict[str, Any]:
        """Number, cost and duration of the counted entries in this queryset."""
        condition = self.counted_condition(date_from=date_from, date_to=date_to)
        return self.aggregate(**self.figure_aggregates(condition))


class InteractionLogEntry(models.Model):
    """One interaction with one contact. A ledger row: see DOMAIN §3."""

    entry_no = models.BigAutoField(_("entry no."), primary_key=True)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        db_index=False,  # see Meta.indexes
        on_delete=models.PROTECT,
        related_name="interaction_entries",
    )
    contact_company = models.ForeignKey(
        Contact,
        verbose_name=_("contact company"),
        db_index=False,  # see Meta.indexes
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
        db_index=False,  # see Meta.indexes
        on_delete=models.PROTECT,
        related_name="entries",
    )
    group = models.ForeignKey(
        InteractionGroup,
        verbose_name=_("interaction group"),
        db_index=False,  # see Meta.indexes
        on_delete=models.PROTECT,
        related_name="entries",
    )
    cost = models.DecimalField(_("cost (LCY)"), default=0, **MONEY)
    duration = models.DecimalField(_("duration (min.)"), default=0, **MINUTES)
    salesperson = models.ForeignKey(
        Salesperson,
        verbose_name=_("salesperson"),
        db_index=False,  # see Meta.indexes
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
        db_index=False,  # see Meta.indexes
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
        db_index=False,  # see Meta.indexes
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
        # Seven foreign keys have no single-column index of their own
        # (db_index=False): the composite index below that starts with the
        # same column serves every lookup by it (foreign-key checks, deletes
        # of the referenced row, filters). The three user keys keep theirs.
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
            # The contact card's figures (DOMAIN §7): the counted entries of a
            # person, or of a company with its persons, answered by an
            # index-only scan (every column contact_statistics reads is here).
            models.Index(
                fields=[
                    "contact",
                    "date",
                    "entry_no",
                    "attempt_failed",
                    "initiated_by",
                    "cost",
                    "duration",
                ],
                condition=Q(canceled=False, postponed=False),
                name="entry_contact_figures_idx",
            ),
            models.Index(
                fields=[
                    "contact_company",
                    "date",
                    "entry_no",
                    "attempt_failed",
                    "initiated_by",
                    "cost",
                    "duration",
                ],
                condition=Q(canceled=False, postponed=False),
                name="entry_company_figures_idx",
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
