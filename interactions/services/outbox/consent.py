"""Opt-out, the suppression list and the signed unsubscribe link (DOMAIN §12).

Marketing e-mail never goes to a contact who opted out nor to an address on
the suppression list; service e-mail does. An opt-out is recorded on the
contact (``email_opt_out``), in its history (:class:`EmailOptOutEvent`: when,
how, by whom or through which message's link) and as a suppression of the
address, so a new contact with the same address is suppressed too.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from contacts.models import Contact
from interactions.models import (
    EmailOptOutEvent,
    OptOutMethod,
    OutboxMessage,
    Suppression,
    SuppressionReason,
    TemplatePurpose,
)
from interactions_crm.platform.actors import Actor, user_or_none
from interactions_crm.platform.audit import record_audit


def normalise(address: str) -> str:
    """The suppression list's form of an address: trimmed, lower case."""
    return address.strip().lower()


def suppressed_addresses(addresses: Iterable[str]) -> dict[str, str]:
    """``{address: reason}`` for those of ``addresses`` on the suppression list."""
    wanted = {normalise(address) for address in addresses if address}
    if not wanted:
        return {}
    return dict(
        Suppression.objects.filter(address__in=wanted).values_list("address", "reason")
    )


def suppression_reason(
    *, purpose: str, contact: Contact, suppressed: dict[str, str]
) -> str:
    """Why a message of ``purpose`` to ``contact`` is not sent; "" when it is.

    ``suppressed`` is :func:`suppressed_addresses` for the contacts at hand.
    Service e-mail is never suppressed.
    """
    if purpose != TemplatePurpose.MARKETING:
        return ""
    if contact.email_opt_out:
        return _("The contact opted out of marketing e-mail.")
    reason = suppressed.get(normalise(contact.email))
    if reason is not None:
        label = SuppressionReason(reason).label
        return _("The address is on the suppression list (%(reason)s).") % {
            "reason": label
        }
    return ""


def suppress_address(
    *, address: str, reason: SuppressionReason, source: str, actor: Actor = None
) -> bool:
    """Put ``address`` on the suppression list; False when it already was."""
    _suppression, created = Suppression.objects.get_or_create(
        address=normalise(address),
        defaults={
            "reason": reason,
            "source": source[:500],
            "created_by": user_or_none(actor),
        },
    )
    return created


def record_opt_out(
    *,
    contact: Contact,
    method: OptOutMethod,
    message_id: str = "",
    actor: Actor = None,
) -> bool:
    """Record that ``contact`` opted out of marketing e-mail; False if it had.

    Sets the contact's opt-out, adds an event to its history and suppresses
    its address. Repeating it (a second click) changes nothing.
    """
    address = normalise(contact.email)
    with transaction.atomic():
        changed = (
            Contact.objects.filter(pk=contact.pk, email_opt_out=False).update(
                email_opt_out=True
            )
            == 1
        )
        if changed:
            EmailOptOutEvent.objects.create(
                contact=contact,
                opted_out=True,
                address=address,
                method=method,
                message_id=message_id,
                by=user_or_none(actor),
            )
        if address:
            source = (
                f"{OptOutMethod(method).label}: {message_id}"
                if message_id
                else OptOutMethod(method).label
            )
            changed |= suppress_address(
                address=address,
                reason=SuppressionReason.OPT_OUT,
                source=str(source),
                actor=actor,
            )
        if changed:
            record_audit(
                actor=actor,
                action="contact.email_opt_out",
                object_type=Contact._meta.label_lower,
                object_id=contact.pk,
                changes={"method": method, "message_id": message_id},
            )
    contact.email_opt_out = True
    return changed


def withdraw_opt_out(*, contact: Contact, actor: Actor) -> None:
    """Staff: the contact wants marketing e-mail again (history keeps both).

    Removes the address's opt-out suppression; a hard-bounce or an
    administrator's suppression stays.
    """
    with transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(email_opt_out=False)
        EmailOptOutEvent.objects.create(
            contact=contact,
            opted_out=False,
            address=normalise(contact.email),
            method=OptOutMethod.STAFF,
            by=user_or_none(actor),
        )
        Suppression.objects.filter(
            address=normalise(contact.email), reason=SuppressionReason.OPT_OUT
        ).delete()
        record_audit(
            actor=actor,
            action="contact.email_opt_in",
            object_type=Contact._meta.label_lower,
            object_id=contact.pk,
            changes={"contact": contact.no},
        )
    contact.email_opt_out = False


# --- The signed unsubscribe link --------------------------------------------


def _signer() -> signing.Signer:
    return signing.Signer(salt=settings.CRM_UNSUBSCRIBE_SALT)


def unsubscribe_token(message_id: str) -> str:
    """A URL-safe token naming one message, signed so nobody can forge one.

    Without a timestamp, so it is the same whenever it is made: the link in
    the body (written when the message is queued) and the
    ``List-Unsubscribe`` header (added when it is sent) are one URL.
    """
    return _signer().sign_object(message_id, compress=True)


def unsubscribe_url(message_id: str) -> str:
    """The absolute unsubscribe link of the message ``message_id``."""
    path = reverse("unsubscribe", kwargs={"token": unsubscribe_token(message_id)})
    return settings.CRM_PUBLIC_URL.rstrip("/") + path


def message_for_token(token: str) -> OutboxMessage | None:
    """The message a token names; None for a forged, damaged or unknown token."""
    try:
        message_id = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError):
        try:  # a link sent before the tokens lost their timestamp
            message_id = signing.loads(token, salt=settings.CRM_UNSUBSCRIBE_SALT)
        except signing.BadSignature:
            return None
    if not isinstance(message_id, str):
        return None
    return (
        OutboxMessage.objects.select_related("entry__contact")
        .filter(message_id=message_id)
        .first()
    )
