"""Reads of the outbox (DOMAIN §12): queue depth, rate, messages, suppressions.

The staff outbox page, the API and the segment pages read these.
"""

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from contacts.models import CorrespondenceType
from interactions.models import (
    DeliveryStatus,
    InteractionLogEntry,
    OutboxMessage,
    OutboxStatus,
    Segment,
    Suppression,
    TemplatePurpose,
)


def outbox_summary() -> dict[str, Any]:
    """Queue depth per status, messages sent in the last minute and hour, and
    when the next queued message is due."""
    now = timezone.now()
    by_status = dict(
        OutboxMessage.objects.filter(
            status__in=[
                OutboxStatus.QUEUED,
                OutboxStatus.SENDING,
                OutboxStatus.FAILED,
            ]
        )
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    sent = OutboxMessage.objects.filter(
        status=OutboxStatus.SENT, sent_at__gt=now - dt.timedelta(hours=1)
    ).aggregate(
        last_hour=Count("id"),
        last_minute=Count("id", filter=Q(sent_at__gt=now - dt.timedelta(minutes=1))),
    )
    next_due = (
        OutboxMessage.objects.filter(status=OutboxStatus.QUEUED)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return {
        "queued": by_status.get(OutboxStatus.QUEUED, 0),
        "sending": by_status.get(OutboxStatus.SENDING, 0),
        "failed": by_status.get(OutboxStatus.FAILED, 0),
        "sent_last_minute": sent["last_minute"],
        "sent_last_hour": sent["last_hour"],
        "next_due": next_due,
    }


def outbox_messages(*, status: str = "") -> QuerySet[OutboxMessage]:
    """Messages, newest first; those of one status when given."""
    messages = OutboxMessage.objects.select_related("entry__contact").order_by("-id")
    return messages.filter(status=status) if status else messages


def delivery_counts(entries: QuerySet[InteractionLogEntry]) -> dict[str, int]:
    """How many of ``entries`` are queued, sent, failed, suppressed (progress)."""
    counts = dict(
        entries.exclude(delivery_status=DeliveryStatus.BLANK)
        .order_by()
        .values_list("delivery_status")
        .annotate(n=Count("entry_no"))
        .values_list("delivery_status", "n")
    )
    return {
        status: counts.get(status, 0)
        for status in (
            DeliveryStatus.QUEUED,
            DeliveryStatus.SENT,
            DeliveryStatus.FAILED,
            DeliveryStatus.SUPPRESSED,
        )
    }


def suppressed_line_count(segment: Segment) -> int:
    """Lines whose e-mail would be suppressed if the segment were logged and sent.

    E-mail lines of a marketing template whose contact opted out or whose
    address is on the suppression list (DOMAIN §12).
    """
    listed = Suppression.objects.filter(address=OuterRef("_address"))
    return (
        segment.lines.filter(
            correspondence_type=CorrespondenceType.EMAIL,
            template__purpose=TemplatePurpose.MARKETING,
        )
        .annotate(_address=Lower("contact__email"))
        .filter(Q(contact__email_opt_out=True) | Exists(listed))
        .count()
    )
