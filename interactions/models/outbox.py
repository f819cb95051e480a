"""The outbox, the suppression list and the e-mail opt-out history (DOMAIN §12).

Every e-mail an entry sends is one :class:`OutboxMessage`: the recipient,
subject and body exactly as sent, its Message-ID, and where it is in the
queue (status, attempts, next attempt, claim, last error). Workers claim and
send them (``interactions.services.outbox``). :class:`Suppression` lists
addresses marketing e-mail never goes to; :class:`EmailOptOutEvent` is a
contact's opt-out history in plain fields (exported with the person's data).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from interactions.models.choices import TemplatePurpose
from interactions.models.ledger import InteractionLogEntry


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Suppressed")
    CANCELED = "canceled", _("Canceled")


class OutboxMessage(models.Model):
    """One e-mail of one entry, as sent, and its place in the queue."""

    entry = models.ForeignKey(
        InteractionLogEntry,
        verbose_name=_("interaction log entry"),
        # delete_canceled_entries removes messages in SQL before their entries.
        on_delete=models.CASCADE,
        related_name="outbox_messages",
    )
    account = models.CharField(
        _("sending account"),
        max_length=50,
        default="default",
        help_text=_("The mailer (MAILERS alias) that sends it."),
    )
    purpose = models.CharField(
        _("purpose"), max_length=10, choices=TemplatePurpose.choices
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    from_email = models.CharField(_("from"), max_length=254)
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=OutboxStatus.choices,
        default=OutboxStatus.QUEUED,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["account", "status", "next_attempt_at"],
                name="outbox_ready",
            ),
            models.Index(fields=["account", "claimed_at"], name="outbox_claimed"),
            models.Index(fields=["recipient"], name="outbox_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} – {self.subject}"


class SuppressionReason(models.TextChoices):
    HARD_BOUNCE = "hard_bounce", _("Hard bounce")
    OPT_OUT = "opt_out", _("Opted out")
    ADMINISTRATOR = "administrator", _("Entered by an administrator")


class Suppression(models.Model):
    """An address marketing e-mail is never sent to, whichever contact has it."""

    address = models.CharField(
        _("address"),
        max_length=254,
        unique=True,
        help_text=_("Stored in lower case."),
    )
    reason = models.CharField(
        _("reason"), max_length=20, choices=SuppressionReason.choices
    )
    source = models.CharField(
        _("source"),
        max_length=500,
        blank=True,
        help_text=_("The server's reply, the link used or who entered it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppression list")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address

    def save(self, *args: object, **kwargs: object) -> None:
        self.address = self.address.strip().lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class OptOutMethod(models.TextChoices):
    LINK = "link", _("Unsubscribe link")
    ONE_CLICK = "one_click", _("One-click unsubscribe (mail client)")
    STAFF = "staff", _("Staff")


class EmailOptOutEvent(models.Model):
    """One change of a contact's e-mail opt-out: when, how, by whom or which link."""

    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="email_opt_out_events",
    )
    opted_out = models.BooleanField(_("opted out"))
    address = models.CharField(_("address"), max_length=254, blank=True)
    method = models.CharField(_("how"), max_length=12, choices=OptOutMethod.choices)
    message_id = models.CharField(
        _("Message-ID"),
        max_length=255,
        blank=True,
        help_text=_("The e-mail whose unsubscribe link was used."),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail opt-out event")
        verbose_name_plural = _("e-mail opt-out history")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.contact} – {self.get_method_display()}"
