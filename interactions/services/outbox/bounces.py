"""Delivery status notifications (RFC 3464) fed back into the outbox (§12).

A bounce arrives later than the send, as a ``multipart/report;
report-type=delivery-status`` message. For each recipient whose action is
``failed`` the message it reports on (found by the original Message-ID in
the returned headers, else by the recipient's latest sent message) becomes
failed with the status and diagnostic; a permanent status (5.x.x) also
suppresses the address. ``delayed``/``relayed``/``delivered`` change nothing.
"""

import email
import email.policy
from dataclasses import dataclass, field
from email.message import Message

from django.db import transaction

from interactions.models import (
    DeliveryStatus,
    InteractionLogEntry,
    OutboxMessage,
    OutboxStatus,
    SuppressionReason,
)
from interactions.services.outbox.consent import normalise, suppress_address


@dataclass(frozen=True)
class RecipientStatus:
    """One per-recipient block of a DSN."""

    recipient: str
    action: str
    status: str
    diagnostic: str

    @property
    def permanent(self) -> bool:
        return self.status.startswith("5")


@dataclass
class BounceResult:
    """What feeding notifications did."""

    reports: int = 0
    failed: int = 0
    suppressed: int = 0
    unmatched: int = 0
    ignored: int = 0
    not_dsn: int = 0
    errors: list[str] = field(default_factory=list)


def _address(value: str) -> str:
    """``rfc822; kari@example.com`` → ``kari@example.com``."""
    return normalise(value.partition(";")[2] or value)


def _original_message_id(report: Message) -> str:
    for part in report.walk():
        if part.get_content_type() in {"message/rfc822", "text/rfc822-headers"}:
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                first = payload[0]
                headers = first if isinstance(first, Message) else Message()
            else:
                headers = email.message_from_string(str(payload))
            return str(headers.get("Message-ID", "")).strip()
    return ""


def parse_dsn(raw: bytes) -> tuple[str, list[RecipientStatus]] | None:
    """``(original Message-ID, recipient statuses)``; None if not a DSN."""
    report = email.message_from_bytes(raw, policy=email.policy.compat32)
    report_type = report.get_param("report-type", "")
    if (
        report.get_content_type() != "multipart/report"
        or not isinstance(report_type, str)
        or report_type.lower() != "delivery-status"
    ):
        return None
    statuses: list[RecipientStatus] = []
    for part in report.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # The first block is per message; the others are per recipient.
        payload = part.get_payload()
        blocks = (
            [b for b in payload if isinstance(b, Message)]
            if isinstance(payload, list)
            else []
        )
        for block in blocks[1:]:
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient")
            if not recipient:
                continue
            statuses.append(
                RecipientStatus(
                    recipient=_address(str(recipient)),
                    action=str(block.get("Action", "")).strip().lower(),
                    status=str(block.get("Status", "")).strip(),
                    diagnostic=" ".join(str(block.get("Diagnostic-Code", "")).split()),
                )
            )
    return _original_message_id(report), statuses


def _message_for(message_id: str, recipient: str) -> OutboxMessage | None:
    messages = OutboxMessage.objects.filter(recipient__iexact=recipient)
    if message_id:
        found = messages.filter(message_id=message_id).first()
        if found is not None:
            return found
    return messages.filter(status=OutboxStatus.SENT).order_by("-sent_at").first()


def feed_dsn(raw: bytes, *, result: BounceResult | None = None) -> BounceResult:
    """Apply one notification; returns (and adds to) the counts."""
    result = result or BounceResult()
    parsed = parse_dsn(raw)
    if parsed is None:
        result.not_dsn += 1
        return result
    message_id, statuses = parsed
    result.reports += 1
    for status in statuses:
        if status.action != "failed":
            result.ignored += 1
            continue
        with transaction.atomic():
            message = _message_for(message_id, status.recipient)
            if message is None:
                result.unmatched += 1
            else:
                reason = f"DSN {status.status} {status.diagnostic}".strip()
                OutboxMessage.objects.filter(pk=message.pk).update(
                    status=OutboxStatus.FAILED, last_error=reason[:2000]
                )
                InteractionLogEntry.objects.filter(entry_no=message.entry_id).update(
                    delivery_status=DeliveryStatus.FAILED
                )
                result.failed += 1
            if status.permanent and suppress_address(
                address=status.recipient,
                reason=SuppressionReason.HARD_BOUNCE,
                source=f"DSN {status.status} {status.diagnostic}",
            ):
                result.suppressed += 1
    return result
