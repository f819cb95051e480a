"""Sending interactions by e-mail and recording their delivery status.

An entry to be sent is written with delivery status "in progress" inside the
creating transaction; :func:`deliver_on_commit` schedules :func:`deliver_entries`
for after the commit, so nothing is sent for a transaction that rolls back and
the mail server is never contacted while rows are locked. Delivery sets the
status to blank when the message was handed to the mail server and to "error"
when that failed (DOMAIN §4.3, NAV §7.3).

Used by :func:`~interactions.services.creation.create_interaction`, by logging a
segment with "send", and by :func:`resend_entries` (the log page's "resend").
"""

import logging
from collections.abc import Iterable, Sequence
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from contacts.models import CorrespondenceType
from interactions.models import DeliveryStatus, InteractionLogEntry
from interactions.services.merge import merge, merge_context
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit

logger = logging.getLogger(__name__)

#: Entries loaded and updated per round trip, so a large segment stays flat.
BATCH_SIZE = 500


def deliver_on_commit(entry_nos: Sequence[int]) -> None:
    """Send these entries once the current transaction has committed."""
    transaction.on_commit(partial(deliver_entries, list(entry_nos)))


def build_message(entry: InteractionLogEntry) -> EmailMessage:
    """The e-mail for one entry: its attachment's subject, body and file.

    Merge fields are filled in for the entry's contact: content stored for a
    manual interaction is already merged (a no-op here), while a logged
    segment's entries share one copy that still holds them.
    """
    attachment = entry.attachment
    context = merge_context(
        contact=entry.contact, salesperson=entry.salesperson, date=entry.date
    )
    message = EmailMessage(
        subject=merge(
            (attachment.subject if attachment else "") or entry.subject, context
        ),
        body=merge(attachment.body if attachment else "", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[entry.contact.email],
        reply_to=[entry.salesperson.email]
        if entry.salesperson and entry.salesperson.email
        else None,
    )
    if attachment is not None and attachment.file:
        with attachment.file.open("rb") as handle:
            message.attach(
                attachment.file_name or (attachment.file.name or "").rsplit("/", 1)[-1],
                handle.read(),
                attachment.content_type or None,
            )
    return message


def _send_one(connection: BaseEmailBackend, entry: InteractionLogEntry) -> bool:
    """Hand one entry's e-mail to the mail server; False when that failed."""
    if not entry.contact.email:
        logger.warning("Entry %s not sent: the contact has no e-mail", entry.pk)
        return False
    try:
        return connection.send_messages([build_message(entry)]) == 1
    except Exception:  # any failure of the mail boundary (SMTP, file, network)
        logger.exception("Sending interaction log entry %s failed", entry.pk)
        return False


def _set_status(entry_nos: list[int], status: str) -> None:
    if entry_nos:
        InteractionLogEntry.objects.filter(
            entry_no__in=entry_nos, delivery_status=DeliveryStatus.IN_PROGRESS
        ).update(delivery_status=status)


def _batches(values: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def deliver_entries(entry_nos: Sequence[int]) -> tuple[int, int]:
    """Send the e-mail of each listed entry still "in progress".

    Returns ``(sent, failed)``. Entries that are not in progress (already
    sent, or not to be sent) are skipped. Runs outside any transaction of its
    own: each batch's statuses are written right after the batch was sent.
    """
    sent_total = failed_total = 0
    try:
        connection = mailers.default
        connection.open()
    except Exception:
        logger.exception("Could not connect to the mail server")
        connection = None
    try:
        for batch in _batches(list(entry_nos), BATCH_SIZE):
            entries = InteractionLogEntry.objects.filter(
                entry_no__in=batch, delivery_status=DeliveryStatus.IN_PROGRESS
            ).select_related("contact", "salesperson", "attachment")
            sent: list[int] = []
            failed: list[int] = []
            for entry in entries:
                ok = connection is not None and _send_one(connection, entry)
                (sent if ok else failed).append(entry.entry_no)
            _set_status(sent, DeliveryStatus.BLANK)
            _set_status(failed, DeliveryStatus.ERROR)
            sent_total += len(sent)
            failed_total += len(failed)
    finally:
        if connection is not None:
            connection.close()
    return sent_total, failed_total


def resend_entries(*, actor: Actor, entries: QuerySet[InteractionLogEntry]) -> int:
    """Send the selected entries' content again (the log page's "resend").

    Only logged (not postponed) e-mail entries with content and a contact with
    an e-mail address qualify; the others are skipped. Refused with "There is
    nothing to send." when none qualifies. The qualifying entries go back to
    "in progress" and are sent after commit; one audit event with the count.
    """
    with transaction.atomic():
        qualifying = entries.filter(
            postponed=False,
            correspondence_type=CorrespondenceType.EMAIL,
            attachment__isnull=False,
        ).exclude(contact__email="")
        entry_nos = list(qualifying.values_list("entry_no", flat=True))
        if not entry_nos:
            raise ValidationError({"entries": [_("There is nothing to send.")]})
        InteractionLogEntry.objects.filter(entry_no__in=entry_nos).update(
            delivery_status=DeliveryStatus.IN_PROGRESS
        )
        record_audit(
            actor=actor,
            action="entry.resend",
            object_type=InteractionLogEntry._meta.label_lower,
            count=len(entry_nos),
            changes={"entry_nos": entry_nos},
        )
        deliver_on_commit(entry_nos)
    return len(entry_nos)
