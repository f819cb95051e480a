"""Reads shared by the staff pages, the API and the admin: one selector per read.

Import from the concept's module (``interactions.selectors.statistics``,
``interactions.selectors.segments``, …); the names below are also importable
from here.
"""

from interactions.selectors.segments import (
    lines_on_header_template,
    logged_segment_entries,
    logged_segments_with_counts,
)
from interactions.selectors.statistics import (
    annotate_statistics,
    campaign_statistics,
    contact_statistics,
    entry_totals,
)

__all__ = [
    "annotate_statistics",
    "campaign_statistics",
    "contact_statistics",
    "entry_totals",
    "lines_on_header_template",
    "logged_segment_entries",
    "logged_segments_with_counts",
]
