"""Reads shared by the staff pages, the API and the admin: one selector per read.

Import from the concept's module (``interactions.selectors.statistics``, …);
the statistics names are also importable from here, as before.
"""

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
]
