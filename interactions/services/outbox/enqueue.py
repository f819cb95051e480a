"""Putting an entry's e-mail in the outbox (DOMAIN §4.3, §12).

:func:`deliver_on_commit` is the one entry point of every creation path
(wizard, contact card, segment log, resend). It runs inside the creating
transaction: each entry marked "queued" gets an :class:`OutboxMessage` with
the recipient, subject and body exactly as they will be sent — or, for
marketing e-mail to an opted-out or suppressed contact, the entry becomes
"suppressed" with the reason. The message rows commit (or roll back) with
the entries, so no e-mail is lost or sent for a transaction that failed; the
workers are woken after the commit.
"""

import datetime as dt
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import make_msgid
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.models import CorrespondenceType
from interactions.models import (
    DeliveryStatus,
    InteractionLogEntry,
    OutboxMessage,
    OutboxStatus,
    TemplatePurpose,
)
from interactions.services.outbox.consent import (
    suppressed_addresses,
    suppression_reason,
    unsubscribe_url,
)
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit

logger = logging.getLogger(__name__)

#: Entries read and messages written per round trip, so a large segment stays flat.
BATCH_SIZE = 500

SENDING_ACCOUNT = "default"


def batches(values: Sequence[int], size: int) -> Iterable[list[int]]:
    """``values`` in lists of at most ``size``."""
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def deliver_on_commit(entry_nos: Sequence[int]) -> None:
    """Queue these entries' e-mail now; wake the outbox workers after commit."""
    enqueue_entries(entry_nos)
    transaction.on_commit(wake_workers)


def wake_workers() -> None:
    """Enqueue the outbox task; a worker that is already running finds it too."""
    from interactions.services.outbox.tasks import send_outbox_task

    try:
        send_outbox_task.enqueue()
    except Exception:  # the messages stay queued for the next worker round
        logger.exception("Could not wake the outbox workers; messages stay queued")


def _language(entry: InteractionLogEntry) -> str:
    code = (entry.language or "").lower()
    known = {language for language, _name in settings.LANGUAGES}
    return code if code in known else settings.LANGUAGE_CODE


def _body(entry: InteractionLogEntry, purpose: str, message_id: str) -> str:
    """The body as sent: the stored content, plus the unsubscribe link for marketing."""
    body = entry.attachment.body if entry.attachment is not None else ""
    if purpose != TemplatePurpose.MARKETING:
        return body
    with translation.override(_language(entry)):
        footer = _("To stop receiving these e-mails, unsubscribe here: %(url)s") % {
            "url": unsubscribe_url(message_id)
        }
    return f"{body}\n\n-- \n{footer}" if body else footer


def new_message_id() -> str:
    """A globally unique Message-ID, fixed when the message is queued."""
    return make_msgid(domain=settings.CRM_MESSAGE_ID_DOMAIN)


def _message(
    entry: InteractionLogEntry, *, suppressed: dict[str, str], now: dt.datetime
) -> OutboxMessage:
    """The outbox row of one entry (queued, suppressed or failed)."""
    purpose = entry.template.purpose
    message_id = new_message_id()
    attachment = entry.attachment
    message = OutboxMessage(
        entry=entry,
        account=SENDING_ACCOUNT,
        purpose=purpose,
        recipient=entry.contact.email,
        from_email=settings.DEFAULT_FROM_EMAIL,
        reply_to=entry.salesperson.email if entry.salesperson else "",
        subject=((attachment.subject if attachment else "") or entry.subject)[:255],
        body=_body(entry, purpose, message_id),
        message_id=message_id,
        next_attempt_at=now,
    )
    reason = suppression_reason(
        purpose=purpose, contact=entry.contact, suppressed=suppressed
    )
    if reason:
        message.status = OutboxStatus.SUPPRESSED
        message.last_error = reason
    elif not entry.contact.email:
        message.status = OutboxStatus.FAILED
        message.last_error = _("The contact has no e-mail address.")
    return message


def enqueue_entries(entry_nos: Sequence[int]) -> dict[str, int]:
    """Write the outbox message of each listed entry that is "queued".

    Suppressed messages turn their entry "suppressed", a contact without an
    address turns it "failed"; returns the count per outbox status.
    """
    counts = {
        OutboxStatus.QUEUED: 0,
        OutboxStatus.SUPPRESSED: 0,
        OutboxStatus.FAILED: 0,
    }
    now = timezone.now()
    for batch in batches(list(entry_nos), BATCH_SIZE):
        entries = list(
            InteractionLogEntry.objects.filter(
                entry_no__in=batch, delivery_status=DeliveryStatus.QUEUED
            ).select_related("contact", "salesperson", "attachment", "template")
        )
        suppressed = suppressed_addresses(entry.contact.email for entry in entries)
        messages = [_message(e, suppressed=suppressed, now=now) for e in entries]
        OutboxMessage.objects.bulk_create(messages)
        for status in (OutboxStatus.SUPPRESSED, OutboxStatus.FAILED):
            settled = [m.entry_id for m in messages if m.status == status]
            if settled:
                InteractionLogEntry.objects.filter(entry_no__in=settled).update(
                    delivery_status=status
                )
        for message in messages:
            counts[OutboxStatus(message.status)] += 1
    return {str(status): count for status, count in counts.items()}


def resendable(
    entries: QuerySet[InteractionLogEntry],
) -> QuerySet[InteractionLogEntry]:
    """The entries a resend sends: logged, not canceled, e-mail with content, to
    a contact with an address, and no message of theirs still queued.

    The one selection the resend of entries and of logged segments use, so the
    count a confirmation names is the count that goes out.
    """
    return (
        entries.filter(
            canceled=False,
            postponed=False,
            correspondence_type=CorrespondenceType.EMAIL,
            attachment__isnull=False,
        )
        .exclude(contact__email="")
        .exclude(delivery_status=DeliveryStatus.QUEUED)
    )


def resend_entries(*, actor: Actor, entries: QuerySet[InteractionLogEntry]) -> int:
    """Send the selected entries' content again (the log page's "resend").

    Only the :func:`resendable` entries qualify; the others are skipped.
    Refused with "There is nothing to send." when none qualifies. Each
    qualifying entry gets a new message (a new Message-ID: it is a new
    e-mail), subject to the same opt-out and suppression rules; one audit
    event with the count.
    """
    with transaction.atomic():
        entry_nos = list(resendable(entries).values_list("entry_no", flat=True))
        if not entry_nos:
            raise ValidationError(
                {"entries": [gettext_lazy("There is nothing to send.")]}
            )
        InteractionLogEntry.objects.filter(entry_no__in=entry_nos).update(
            delivery_status=DeliveryStatus.QUEUED
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
