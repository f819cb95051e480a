"""Logged segments as people read them (DOMAIN §6.5; NAV "Logged Segments").

:func:`~interactions.selectors.segments.logged_segments_with_counts` is the one
implementation of NAV's "No. of
Interactions": it counts the entries whose canceled state is the logged
segment's own (an active one counts its active entries, a canceled one its
canceled entries), as a correlated subquery on ``entry_logged_segment_idx``,
so a page counts only its own rows, never the whole log.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from interactions.models import DeliveryStatus, InteractionLogEntry, LoggedSegment
from interactions.selectors.segments import logged_segments_with_counts
from interactions_crm.platform.models import AuditEvent


def logged_segment_rows(
    *, query: str = "", canceled: bool | None = None
) -> QuerySet[LoggedSegment]:
    """The logged segments page's rows: with counts and who logged them.

    ``query`` matches the segment number exactly or the description in part;
    ``canceled`` keeps only canceled (``True``) or active (``False``) ones.
    """
    rows = with_delivery_progress(
        logged_segments_with_counts().select_related("logged_by")
    )
    if query:
        rows = rows.filter(
            Q(segment_no__iexact=query) | Q(description__icontains=query)
        )
    if canceled is not None:
        rows = rows.filter(canceled=canceled)
    return rows


def with_delivery_progress(rows: QuerySet[LoggedSegment]) -> QuerySet[LoggedSegment]:
    """Annotate each logged segment's e-mail sending progress (DOMAIN §12).

    ``mail_queued``, ``mail_sent``, ``mail_failed``, ``mail_suppressed``: its
    entries by delivery status, each a correlated count on
    ``entry_logged_segment_idx``, in the same query as the rows.
    """

    def counted(status: str) -> Coalesce:
        entries = (
            InteractionLogEntry.objects.filter(
                logged_segment=OuterRef("pk"), delivery_status=status
            )
            .order_by()
            .values("logged_segment")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return Coalesce(Subquery(entries, output_field=IntegerField()), 0)

    return rows.annotate(
        mail_queued=counted(DeliveryStatus.QUEUED),
        mail_sent=counted(DeliveryStatus.SENT),
        mail_failed=counted(DeliveryStatus.FAILED),
        mail_suppressed=counted(DeliveryStatus.SUPPRESSED),
    )


def entries_in_state(logged_segment_ids: Iterable[int], *, canceled: bool) -> int:
    """How many entries of these logged segments are (not) canceled.

    What "switch checkmark in canceled" changes along with the segments.
    """
    return InteractionLogEntry.objects.filter(
        logged_segment__in=list(logged_segment_ids), canceled=canceled
    ).count()


def entries_of(logged_segments: QuerySet[LoggedSegment]) -> int:
    """How many entries these logged segments have (deleted with them)."""
    return InteractionLogEntry.objects.filter(
        logged_segment__in=logged_segments.values("pk")
    ).count()


def recent_segment_numbers(*, limit: int) -> QuerySet[Any]:
    """``(segment_no, description)`` of the newest logged segments."""
    return LoggedSegment.objects.order_by("-id").values_list(
        "segment_no", "description"
    )[:limit]


def log_outcome(logged: LoggedSegment) -> dict[str, Any]:
    """What logging the segment did, as ``log_segment`` recorded it.

    The changes of the ``segment.log`` audit event written in the same
    transaction (``entries``, ``follow_up``, ``send``): one indexed row
    instead of counting the entries.
    """
    event = (
        AuditEvent.objects.filter(
            action="segment.log",
            object_type=LoggedSegment._meta.label_lower,
            object_id=str(logged.pk),
        )
        .order_by("-id")
        .first()
    )
    changes: dict[str, Any] = event.changes if event else {}
    return changes
