"""Staff actions on the queue: retry or cancel a message; the suppression list.

Retrying a failed message queues the same message again (same Message-ID:
it never arrived). Canceling a failed or queued message takes it out of the
queue for good; a queued one's entry becomes "failed". Each is audited.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from interactions.models import (
    DeliveryStatus,
    InteractionLogEntry,
    OutboxMessage,
    OutboxStatus,
    Suppression,
    SuppressionReason,
)
from interactions.services.outbox.consent import normalise, suppress_address
from interactions.services.outbox.enqueue import wake_workers
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit


def _refuse_unless(ids: list[int], wanted: StrOrPromise) -> None:
    if not ids:
        # The messages' state refuses it (the API's 409 Conflict).
        raise ValidationError({"messages": [ValidationError(wanted, code="state")]})


def retry_messages(*, actor: Actor, messages: Iterable[OutboxMessage]) -> int:
    """Queue the failed ones among ``messages`` again, due now."""
    with transaction.atomic():
        ids = [m.pk for m in messages if m.status == OutboxStatus.FAILED]
        _refuse_unless(ids, _("Only failed messages can be retried."))
        rows = OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.FAILED)
        entry_nos = list(rows.values_list("entry_id", flat=True))
        count = rows.update(
            status=OutboxStatus.QUEUED,
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_at=None,
            claimed_by="",
        )
        InteractionLogEntry.objects.filter(entry_no__in=entry_nos).update(
            delivery_status=DeliveryStatus.QUEUED
        )
        record_audit(
            actor=actor,
            action="outbox.retry",
            object_type=OutboxMessage._meta.label_lower,
            count=count,
            changes={"messages": ids},
        )
        transaction.on_commit(wake_workers)
    return count


def cancel_messages(*, actor: Actor, messages: Iterable[OutboxMessage]) -> int:
    """Take the failed or queued ones among ``messages`` out of the queue."""
    cancelable = {OutboxStatus.FAILED, OutboxStatus.QUEUED}
    with transaction.atomic():
        ids = [m.pk for m in messages if m.status in cancelable]
        _refuse_unless(ids, _("Only failed or queued messages can be canceled."))
        rows = OutboxMessage.objects.filter(pk__in=ids, status__in=cancelable)
        entry_nos = list(rows.values_list("entry_id", flat=True))
        count = rows.update(
            status=OutboxStatus.CANCELED,
            last_error=str(_("Canceled by staff.")),
        )
        InteractionLogEntry.objects.filter(
            entry_no__in=entry_nos, delivery_status=DeliveryStatus.QUEUED
        ).update(delivery_status=DeliveryStatus.FAILED)
        record_audit(
            actor=actor,
            action="outbox.cancel",
            object_type=OutboxMessage._meta.label_lower,
            count=count,
            changes={"messages": ids},
        )
    return count


def add_suppression(*, actor: Actor, address: str, note: str = "") -> Suppression:
    """An administrator puts ``address`` on the suppression list."""
    address = normalise(address)
    if not address or "@" not in address:
        raise ValidationError({"address": [_("Enter an e-mail address.")]})
    with transaction.atomic():
        if not suppress_address(
            address=address,
            reason=SuppressionReason.ADMINISTRATOR,
            source=note,
            actor=actor,
        ):
            raise ValidationError(
                {"address": [_("This address is already on the suppression list.")]}
            )
        record_audit(
            actor=actor,
            action="suppression.add",
            object_type=Suppression._meta.label_lower,
            changes={"address": address, "note": note},
        )
    return Suppression.objects.get(address=address)


def remove_suppression(*, actor: Actor, suppression: Suppression) -> None:
    """Take an address off the suppression list (audited)."""
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="suppression.remove",
            object_type=Suppression._meta.label_lower,
            changes={"address": suppression.address, "reason": suppression.reason},
        )
        suppression.delete()
