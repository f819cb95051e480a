"""What one user chose on the log page: its columns, and named views (issue #13).

``LogViewPreference`` remembers the columns a user last chose (one row per
user); ``SavedLogView`` is a named set of filters, columns and sort order a
user saved to apply again. Both belong to their user only: nobody else sees,
applies or deletes them. The services in :mod:`interactions.services.preferences`
write them; the column keys are :class:`LogColumn`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LogColumn(models.TextChoices):
    """The columns the log page can show, in NAV's order (after the entry no.)."""

    DATE = "date", _("Date")
    CONTACT = "contact", _("Contact")
    COMPANY = "company", _("Company name")
    DESCRIPTION = "description", _("Description")
    SUBJECT = "subject", _("Subject")
    TEMPLATE = "template", _("Template")
    GROUP = "group", _("Interaction group")
    SALESPERSON = "salesperson", _("Salesperson")
    CAMPAIGN = "campaign", _("Campaign")
    INFORMATION_FLOW = "information_flow", _("Information flow")
    INITIATED_BY = "initiated_by", _("Initiated by")
    CORRESPONDENCE_TYPE = "correspondence_type", _("Correspondence type")
    EVALUATION = "evaluation", _("Evaluation")
    COST = "cost", _("Cost")
    DURATION = "duration", _("Duration (min.)")
    ATTEMPT_FAILED = "attempt_failed", _("Attempt failed")
    CANCELED = "canceled", _("Canceled")
    DELIVERY_STATUS = "delivery_status", _("Delivery status")
    SEGMENT_NO = "segment_no", _("Segment no.")
    DOCUMENT = "document", _("Document")
    COMMENTS = "comments", _("Comments")
    ATTACHMENT = "attachment", _("Attachment")


#: The columns shown until a user chooses (the page as it was before #13).
DEFAULT_LOG_COLUMNS: tuple[str, ...] = (
    LogColumn.DATE,
    LogColumn.CONTACT,
    LogColumn.DESCRIPTION,
    LogColumn.TEMPLATE,
    LogColumn.SALESPERSON,
    LogColumn.EVALUATION,
    LogColumn.COST,
    LogColumn.DURATION,
)


class LogViewPreference(models.Model):
    """The log columns one user chose last (remembered across sessions)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Keys of LogColumn, in the order shown.
    columns = models.JSONField(_("columns"), default=list)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("log column preference")
        verbose_name_plural = _("log column preferences")

    def __str__(self) -> str:
        return ", ".join(self.columns)


class SavedLogView(models.Model):
    """A user's named log view: filters (as a query string), columns and sort."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=60)
    # The filters as the log page's query string, without cursor or sort.
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    columns = models.JSONField(_("columns"), default=list)
    sort = models.CharField(_("sort"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved log view")
        verbose_name_plural = _("saved log views")
        ordering = ["user", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                name="saved_log_view_unique_name",
                violation_error_message=_("You already have a view with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name
