"""Logged segments (DOMAIN §6.2, §6.5): cancel, un-cancel or delete them whole.

Canceling a logged segment cancels its entries with it (marked
``canceled_with_segment``), so un-canceling revives exactly those; deleting a
canceled logged segment unlinks its entries, which stay canceled.
"""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from interactions.models import InteractionLogEntry, LoggedSegment
from interactions_crm.platform.actors import Actor, user_or_none
from interactions_crm.platform.audit import record_audit


def _logged_ids(logged_segments: QuerySet[LoggedSegment], **filters: Any) -> list[int]:
    """The selected logged segments' ids, locked (the selection may be annotated)."""
    selected = list(logged_segments.order_by().values_list("pk", flat=True))
    return list(
        LoggedSegment.objects.filter(pk__in=selected, **filters)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _audit_logged(actor: Actor, action: str, ids: list[int], **changes: Any) -> None:
    nos = list(
        LoggedSegment.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("segment_no", flat=True)
    )
    record_audit(
        actor=actor,
        action=action,
        object_type=LoggedSegment._meta.label_lower,
        object_id=ids[0] if len(ids) == 1 else "",
        count=len(ids),
        changes={"segment_nos": nos, **changes},
    )


def cancel_logged_segments(
    *,
    actor: Actor,
    logged_segments: QuerySet[LoggedSegment],
    reason: str = "",
) -> int:
    """Cancel logged segments and all their entries; return segments canceled.

    Entries canceled here are marked ``canceled_with_segment`` so that
    un-canceling revives exactly them; entries canceled one by one before
    keep their own cancel record.
    """
    with transaction.atomic():
        ids = _logged_ids(logged_segments, canceled=False)
        if not ids:
            return 0
        entries = InteractionLogEntry.objects.filter(
            logged_segment_id__in=ids, canceled=False, postponed=False
        ).update(
            canceled=True,
            canceled_with_segment=True,
            canceled_by=user_or_none(actor),
            canceled_at=timezone.now(),
            cancel_reason=reason,
        )
        LoggedSegment.objects.filter(pk__in=ids).update(canceled=True)
        _audit_logged(
            actor, "logged_segment.cancel", ids, entries=entries, reason=reason
        )
    return len(ids)


def uncancel_logged_segments(
    *, actor: Actor, logged_segments: QuerySet[LoggedSegment]
) -> int:
    """Un-cancel logged segments; revive only the entries their cancel canceled."""
    with transaction.atomic():
        ids = _logged_ids(logged_segments, canceled=True)
        if not ids:
            return 0
        entries = InteractionLogEntry.objects.filter(
            logged_segment_id__in=ids, canceled_with_segment=True
        ).update(
            canceled=False,
            canceled_with_segment=False,
            canceled_by=None,
            canceled_at=None,
            cancel_reason="",
        )
        LoggedSegment.objects.filter(pk__in=ids).update(canceled=False)
        _audit_logged(actor, "logged_segment.uncancel", ids, entries=entries)
    return len(ids)


def switch_canceled_logged_segments(
    *, actor: Actor, logged_segments: QuerySet[LoggedSegment], reason: str = ""
) -> int:
    """NAV's "Switch Checkmark in Canceled": the opposite of the first one's state."""
    first = logged_segments.order_by("pk").values_list("canceled", flat=True).first()
    if first is None:
        return 0
    if first:
        return uncancel_logged_segments(actor=actor, logged_segments=logged_segments)
    return cancel_logged_segments(
        actor=actor, logged_segments=logged_segments, reason=reason
    )


def delete_canceled_logged_segments(
    *, actor: Actor, logged_segments: QuerySet[LoggedSegment]
) -> int:
    """Delete the canceled ones among ``logged_segments``; return how many.

    Their entries are unlinked, not deleted: they stay canceled (and keep
    their segment number) and can be removed by deleting canceled entries.
    """
    with transaction.atomic():
        ids = _logged_ids(logged_segments, canceled=True)
        if not ids:
            return 0
        entries = InteractionLogEntry.objects.filter(logged_segment_id__in=ids).update(
            logged_segment=None, canceled_with_segment=False
        )
        _audit_logged(actor, "logged_segment.delete", ids, entries=entries)
        LoggedSegment.objects.filter(pk__in=ids).delete()
    return len(ids)
