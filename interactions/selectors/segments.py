"""Reads about segments and logged segments, shared by pages, API and admin.

A logged segment's "No. of Interactions" (NAV) is defined once here: the
entries whose canceled state is the logged segment's own — an active logged
segment counts its active entries, a canceled one its canceled entries
(:func:`logged_segment_entries`, :func:`logged_segments_with_counts`).
"""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from interactions.models import InteractionLogEntry, LoggedSegment, Segment, SegmentLine


def _entries_in_own_state(
    logged_segment: LoggedSegment | OuterRef, canceled: bool | OuterRef
) -> QuerySet[InteractionLogEntry]:
    """Entries of ``logged_segment`` whose canceled state is ``canceled``."""
    return InteractionLogEntry.objects.filter(
        logged_segment=logged_segment, canceled=canceled
    )


def logged_segment_entries(
    logged_segment: LoggedSegment,
) -> QuerySet[InteractionLogEntry]:
    """The entries a logged segment counts (and "reuse logged segment" takes).

    Its active entries, or its canceled ones when it is canceled itself.
    """
    return _entries_in_own_state(logged_segment, logged_segment.canceled)


def logged_segments_with_counts() -> QuerySet[LoggedSegment]:
    """Logged segments with ``entry_count``: NAV's "No. of Interactions".

    Counted as :func:`logged_segment_entries` does, by a correlated subquery,
    so only the rows actually read are counted (index
    ``entry_logged_segment_idx``), never the whole log; the annotation can be
    sorted on.
    """
    entries = (
        _entries_in_own_state(OuterRef("pk"), OuterRef("canceled"))
        .order_by()
        .values("logged_segment")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return LoggedSegment.objects.annotate(
        entry_count=Coalesce(Subquery(entries, output_field=IntegerField()), 0)
    )


def lines_on_header_template(segment: Segment) -> QuerySet[SegmentLine]:
    """Lines a header change offers to update: those still on its template."""
    if segment.template_id is None:
        return segment.lines.filter(template__isnull=True)
    return segment.lines.filter(template_id=segment.template_id)
