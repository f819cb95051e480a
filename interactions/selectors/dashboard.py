"""The dashboard's figures, each restricted to a window of whole weeks.

Every aggregate filters on the entry date first, so the database answers from
the date indexes (``entry_date_no_idx``, ``entry_template_idx``,
``entry_salesperson_idx``) instead of a ``COUNT(*)`` over the whole log: the
figures cost the same with ten thousand or ten million entries outside the
window. Counts, costs and durations come from
:mod:`interactions.selectors.statistics` (one implementation of each figure).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from contacts.models import Salesperson
from interactions.models import (
    InteractionLogEntry,
    InteractionTemplate,
)
from interactions.selectors.statistics import annotate_statistics, entry_totals


@dataclass(frozen=True)
class Window:
    """``weeks`` whole weeks (Monday to Sunday) from ``date_from`` to ``date_to``."""

    weeks: int
    date_from: dt.date
    date_to: dt.date

    @classmethod
    def last_weeks(cls, weeks: int, today: dt.date) -> "Window":
        """``weeks`` whole weeks (Monday to Sunday) up to and including today."""
        monday = today - dt.timedelta(days=today.weekday())
        return cls(weeks, monday - dt.timedelta(weeks=weeks - 1), today)

    def dates(self, prefix: str = "") -> Q:
        """Rows whose (``prefix``-ed) entry date lies in the window."""
        return Q(
            **{f"{prefix}date__gte": self.date_from, f"{prefix}date__lte": self.date_to}
        )

    def mondays(self) -> list[dt.date]:
        """The first day of each week of the window, oldest first."""
        return [self.date_from + dt.timedelta(weeks=i) for i in range(self.weeks)]


def weekly_group_counts(window: Window) -> dict[tuple[dt.date, str], int]:
    """Counted interactions per (week's Monday, interaction group code)."""
    rows = (
        InteractionLogEntry.objects.counted()
        .filter(window.dates())
        .annotate(week=TruncWeek("date"))
        .values("week", "group__code")
        .annotate(count=Count("entry_no"))
        .order_by()
    )
    counts: dict[tuple[dt.date, str], int] = {}
    for row in rows:
        week = row["week"]
        week = week.date() if isinstance(week, dt.datetime) else week
        key = (week, row["group__code"])
        counts[key] = counts.get(key, 0) + row["count"]
    return counts


@dataclass(frozen=True)
class Figures:
    """A template's or salesperson's counted interactions in the window."""

    name: str
    count: int
    cost: Decimal
    duration: Decimal


def _figures(rows: Iterable[Any], name: Callable[[Any], str]) -> list[Figures]:
    return [
        Figures(
            name=name(row),
            count=row.interaction_count,
            cost=row.interaction_cost,
            duration=row.interaction_duration,
        )
        for row in rows
    ]


def template_figures(window: Window, *, limit: int) -> list[Figures]:
    """Templates used in the window with count, cost and duration, costliest first.

    Filtering on the entries' dates before annotating makes the join itself
    window-restricted, so only the window's entries are read.
    """
    templates = InteractionTemplate.objects.filter(window.dates("entries__"))
    rows = (
        annotate_statistics(
            templates, date_from=window.date_from, date_to=window.date_to
        )
        .filter(interaction_count__gt=0)
        .order_by("-interaction_cost", "-interaction_duration", "code")[:limit]
    )
    return _figures(rows, str)


def top_salespeople(window: Window, *, limit: int) -> list[Figures]:
    """Salespeople with the most counted interactions in the window."""
    salespeople = Salesperson.objects.filter(window.dates("interaction_entries__"))
    rows = (
        annotate_statistics(
            salespeople, date_from=window.date_from, date_to=window.date_to
        )
        .filter(interaction_count__gt=0)
        .order_by("-interaction_count", "code")[:limit]
    )
    return _figures(rows, lambda salesperson: str(salesperson.name))


class CanceledShare(TypedDict):
    total: int
    canceled: int
    share: float


def canceled_share(window: Window) -> CanceledShare:
    """How many of the window's entries are canceled, and their share in %."""
    entries = InteractionLogEntry.objects.visible().filter(window.dates())
    figures = entries.aggregate(
        total=Count("entry_no"), canceled=Count("entry_no", filter=Q(canceled=True))
    )
    total, canceled = int(figures["total"]), int(figures["canceled"])
    share = round(canceled * 100 / total, 1) if total else 0
    return {"total": total, "canceled": canceled, "share": share}


def window_totals(window: Window) -> dict[str, Any]:
    """``{count, cost, duration}`` of the window's counted entries."""
    return entry_totals(InteractionLogEntry.objects.visible().filter(window.dates()))


def recent_entries(*, limit: int) -> QuerySet[InteractionLogEntry]:
    """The newest ``limit`` entries of the log (any date), with their relations."""
    entries: QuerySet[InteractionLogEntry] = (
        InteractionLogEntry.objects.visible().with_related().newest_first()[:limit]
    )
    return entries
