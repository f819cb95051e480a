"""The outbox's part of a person's data (issue #10 item 6, DOMAIN §12).

Registered with :func:`interactions.services.privacy.register_personal_data`:

* ``outbox`` — the messages sent to the contact: exported (recipient,
  subject, status, dates); erasure blanks what identifies the person or
  repeats the entry's text (recipient, reply-to, subject, body, last error).
  The Message-ID, status and dates stay, like an entry's figures.
* ``consent`` — the contact's opt-out history and the suppression rows of its
  address: exported; erasure blanks the address in the history and removes the
  address from the suppression list. Keeping the address there would keep the
  very data the person asked us to erase; the contact itself stays privacy
  blocked, so nothing is sent to it again, and the same address given anew as
  a new contact is a new consent decision (docs/operations.md).
"""

from typing import Any

from django.db.models import QuerySet

from contacts.models import Contact
from interactions.models import EmailOptOutEvent, OutboxMessage, Suppression
from interactions.services.outbox.consent import normalise
from interactions.services.privacy import register_personal_data
from interactions.services.privacy.registry import ErasureScope
from interactions_crm.platform.changes import field_values

MESSAGE_TEXT_FIELDS = ("recipient", "reply_to", "subject", "body", "last_error")


def _messages(contact: Contact) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(entry__contact=contact)


def _export_outbox(contact: Contact) -> dict[str, Any]:
    rows = [
        field_values(message, ["recipient", "subject", "status", "message_id"])
        | {"created_at": message.created_at, "sent_at": message.sent_at}
        for message in _messages(contact).order_by("pk")
    ]
    return {"outbox.json": rows}


def _erase_outbox(scope: ErasureScope, apply: bool) -> dict[str, int]:
    messages = _messages(scope.contact).exclude(recipient="", subject="", body="")
    count = messages.count()
    if apply:
        messages.update(**dict.fromkeys(MESSAGE_TEXT_FIELDS, ""))
    return {"outbox_messages": count}


def _address(scope_email: str) -> str:
    return normalise(scope_email) if scope_email else ""


def _export_consent(contact: Contact) -> dict[str, Any]:
    history = [
        field_values(event, ["opted_out", "address", "method", "message_id"])
        | {"at": event.at, "by": event.by.get_username() if event.by else ""}
        for event in EmailOptOutEvent.objects.filter(contact=contact)
        .select_related("by")
        .order_by("pk")
    ]
    address = _address(contact.email)
    suppressed = [
        field_values(row, ["address", "reason", "source"])
        | {"created_at": row.created_at}
        for row in Suppression.objects.filter(address=address)
    ]
    return {"consent.json": {"opt_out_history": history, "suppression": suppressed}}


def _erase_consent(scope: ErasureScope, apply: bool) -> dict[str, int]:
    history = EmailOptOutEvent.objects.filter(contact=scope.contact).exclude(address="")
    address = _address(scope.values.get("email", ""))
    suppressed = (
        Suppression.objects.filter(address=address)
        if address
        else Suppression.objects.none()
    )
    counts = {
        "opt_out_events": history.count(),
        "suppressed_addresses": suppressed.count(),
    }
    if apply:
        history.update(address="")
        suppressed.delete()
    return counts


register_personal_data("outbox", exporter=_export_outbox, eraser=_erase_outbox)
register_personal_data("consent", exporter=_export_consent, eraser=_erase_consent)
