"""A segment's lines as the worksheet reads them (DOMAIN §5).

A segment can have 100,000 lines, so nothing here loads them all: the summary
is one aggregate over this segment's lines (index ``segment_line_contact_idx``),
a page of lines one keyset query, the segment list's line counts correlated
subqueries evaluated for the listed rows only.
"""

from collections.abc import Mapping
from typing import Any, TypedDict

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from contacts.models import CorrespondenceType
from interactions.criteria import clean_criteria
from interactions.models import Segment, SegmentCriteriaAction, SegmentLine
from interactions.selectors.segments import (
    CriteriaOutcome,
    lines_to_remove,
    select_to_add,
)
from interactions_crm.platform.keyset import KeysetPage, keyset_page


class LineSummary(TypedDict):
    """Number of lines, their total cost and duration, lines to e-mail."""

    count: int
    cost: Any
    duration: Any
    email: int


def line_summary(segment: Segment) -> LineSummary:
    """The segment's line figures in one aggregate (never a count over the log)."""
    figures = segment.lines.aggregate(
        count=Count("id"),
        cost=Sum("cost", default=0),
        duration=Sum("duration", default=0),
        email=Count("id", filter=Q(correspondence_type=CorrespondenceType.EMAIL)),
    )
    return {
        "count": figures["count"],
        "cost": figures["cost"],
        "duration": figures["duration"],
        "email": figures["email"],
    }


def line_page(segment: Segment, *, cursor: str | None = None, size: int) -> KeysetPage:
    """A page of lines in line order, with what a row shows (``InvalidCursor``)."""
    lines = segment.lines.select_related(
        "contact", "contact_company", "template", "salesperson"
    )
    return keyset_page(lines, ordering=("id",), cursor=cursor, size=size)


def line_with_details(segment: Segment, line_id: int) -> QuerySet[SegmentLine]:
    """Line ``line_id`` of ``segment`` (empty if it is another segment's)."""
    return SegmentLine.objects.select_related(
        "contact", "contact_company", "template", "salesperson"
    ).filter(pk=line_id, segment=segment)


def segments_with_line_count(query: str = "") -> QuerySet[Segment]:
    """Segments (not logged yet) with ``line_count``, optionally searched.

    ``query`` matches the number exactly or the description in part. The line
    count is a correlated ``COUNT``, so only the rows of a page are counted.
    """
    lines = (
        SegmentLine.objects.filter(segment=OuterRef("pk"))
        .order_by()
        .values("segment")
        .annotate(count=Count("id"))
        .values("count")
    )
    segments = Segment.objects.select_related(
        "template", "campaign", "salesperson"
    ).annotate(line_count=Coalesce(Subquery(lines, output_field=IntegerField()), 0))
    if query:
        segments = segments.filter(
            Q(no__iexact=query) | Q(description__icontains=query)
        )
    return segments


def criteria_preview(
    segment: Segment,
    criteria: Mapping[str, Any],
    *,
    kind: str,
    options: Mapping[str, bool],
) -> CriteriaOutcome:
    """What a criteria action would do, counted exactly as the action counts.

    ``kind`` is ``add``, ``reduce`` or ``refine``; ``options`` the action's
    options. The preview and the result agree because both split the same
    selection by reason (:func:`~interactions.selectors.segments.select_to_add`,
    :func:`~interactions.selectors.segments.lines_to_remove`).
    """
    cleaned = clean_criteria(dict(criteria))
    if kind == SegmentCriteriaAction.Kind.ADD:
        selection = select_to_add(segment, cleaned, **options)
        return selection.outcome(selection.to_add.count())
    lines = lines_to_remove(
        segment,
        cleaned,
        refine=kind == SegmentCriteriaAction.Kind.REFINE,
        entire_companies=options.get("entire_companies", False),
    )
    return CriteriaOutcome(adds=False, removed=lines.count())
