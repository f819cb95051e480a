"""Old import path of the staff pages; they live in :mod:`interactions.web`.

Kept for the names code outside the web package imports from here (the
benchmarks read the log's sort orders and export columns).
"""

from interactions.selectors.log import EXPORT_COLUMNS, SORTS

__all__ = ["EXPORT_COLUMNS", "SORTS"]
