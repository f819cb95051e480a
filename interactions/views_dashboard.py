"""The dashboard at ``/``: figures and server-rendered SVG charts (issue #4 §8).

Every aggregate is restricted to a date window (the last ``weeks`` weeks,
12 by default), so the database answers from the date indexes
(``entry_date_no_idx``, ``entry_template_idx``, ``entry_salesperson_idx``)
instead of a ``COUNT(*)`` over the whole log — the page costs the same with
ten thousand or ten million entries outside the window.

Charts are plain SVG computed here (bar geometry) and drawn by
``templates/includes/bar_chart.html``; each has a data table as accessible
fallback. No JavaScript and nothing from a CDN.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views import View

from contacts.models import Salesperson
from interactions.models import InteractionLogEntry, InteractionTemplate
from interactions.selectors import annotate_statistics, entry_totals

#: Window lengths offered on the page, in weeks.
WINDOW_CHOICES = (4, 12, 26, 52)
DEFAULT_WEEKS = 12
#: Series drawn with their own colour; the rest is summed up as "Other".
MAX_SERIES = 7
TOP_ROWS = 8
RECENT_ENTRIES = 10


# --------------------------------------------------------------------------
# SVG bar charts: geometry here, drawing in includes/bar_chart.html
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"
    css: str = ""


@dataclass
class BarChart:
    """Everything the chart template draws, plus its data table."""

    title: str
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    grid: list[tuple[float, float, float, float]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    table_head: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.rects


def _fmt(value: Any, decimals: int = 0) -> str:
    return number_format(
        value, decimal_pos=decimals, use_l10n=True, force_grouping=True
    )


def _short(label: str, length: int = 28) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


def _axis(value: float, ticks: int = 4) -> tuple[float, float]:
    """A whole-number axis ``(maximum, step)`` with about ``ticks`` steps.

    The step is 1, 2 or 5 × 10ⁿ (at least 1: the axis counts entries).
    """
    if value <= 0:
        return 1, 1
    raw = value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude)
    step = max(step, 1)
    return step * math.ceil(value / step), step


def horizontal_bars(
    title: str,
    rows: list[tuple[str, Decimal | int]],
    *,
    value_head: str,
    decimals: int = 0,
    css: str = "series-0",
) -> BarChart:
    """One bar per ``(label, value)`` row, longest value = full width."""
    label_w, value_w, plot_w, row_h, bar_h = 210, 80, 350, 30, 18
    chart = BarChart(
        title=title,
        width=label_w + plot_w + value_w,
        height=max(len(rows), 1) * row_h,
        table_head=[_("Name"), value_head],
    )
    top = max((float(value) for _label, value in rows), default=0) or 1
    for i, (label, value) in enumerate(rows):
        y = i * row_h + (row_h - bar_h) / 2
        width = round(float(value) / top * plot_w, 1)
        shown = _fmt(value, decimals)
        chart.texts.append(
            Text(label_w - 10, y + bar_h / 2 + 4, _short(label), anchor="end")
        )
        chart.rects.append(
            Rect(label_w, y, max(width, 2), bar_h, css, f"{label}: {shown}")
        )
        chart.texts.append(
            Text(label_w + width + 6, y + bar_h / 2 + 4, shown, css="chart__value")
        )
        chart.table_rows.append([label, shown])
    return chart


def stacked_columns(
    title: str,
    columns: list[tuple[str, str]],
    series: list[str],
    values: dict[tuple[str, str], int],
    *,
    first_head: str,
) -> BarChart:
    """Stacked columns: one per ``(key, label)`` column, one colour per series.

    ``values`` maps ``(column key, series name)`` to a number.
    """
    left, bottom, top_pad, plot_w, plot_h = 44, 28, 12, 596, 220
    chart = BarChart(
        title=title,
        width=left + plot_w,
        height=top_pad + plot_h + bottom,
        table_head=[first_head, *series, _("Total")],
        legend=[(name, f"series-{i}") for i, name in enumerate(series)],
    )
    totals = [sum(values.get((key, s), 0) for s in series) for key, _label in columns]
    axis_max, step = _axis(max(totals, default=0))
    for tick in range(int(axis_max / step) + 1):
        value = tick * step
        y = round(top_pad + plot_h - plot_h * value / axis_max, 1)
        chart.grid.append((left, y, left + plot_w, y))
        chart.texts.append(Text(left - 8, y + 4, _fmt(value), anchor="end"))
    slot = plot_w / max(len(columns), 1)
    bar_w = min(slot * 0.66, 48)
    label_every = 1 if len(columns) <= 14 else 2 if len(columns) <= 28 else 4
    for i, (key, label) in enumerate(columns):
        x = left + i * slot + (slot - bar_w) / 2
        y = top_pad + plot_h
        row = [label]
        for s_index, name in enumerate(series):
            value = values.get((key, name), 0)
            row.append(_fmt(value))
            if not value:
                continue
            height = value / axis_max * plot_h
            y -= height
            chart.rects.append(
                Rect(
                    round(x, 1),
                    round(y, 1),
                    round(bar_w, 1),
                    round(height, 1),
                    f"series-{s_index}",
                    f"{label} · {name}: {_fmt(value)}",
                )
            )
        row.append(_fmt(totals[i]))
        chart.table_rows.append(row)
        if i % label_every == 0:
            chart.texts.append(
                Text(round(x + bar_w / 2, 1), top_pad + plot_h + 18, label, "middle")
            )
    return chart


# --------------------------------------------------------------------------
# Figures (all restricted to the window: see the module docstring)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    weeks: int
    date_from: dt.date
    date_to: dt.date

    @classmethod
    def last_weeks(cls, weeks: int, today: dt.date) -> "Window":
        """``weeks`` whole weeks (Monday to Sunday) up to and including today."""
        monday = today - dt.timedelta(days=today.weekday())
        return cls(weeks, monday - dt.timedelta(weeks=weeks - 1), today)

    def entries(self) -> QuerySet:
        """Visible entries of the window (uses the date index)."""
        return InteractionLogEntry.objects.visible().filter(
            date__gte=self.date_from, date__lte=self.date_to
        )

    def mondays(self) -> list[dt.date]:
        return [self.date_from + dt.timedelta(weeks=i) for i in range(self.weeks)]


def weekly_chart(window: Window) -> BarChart:
    """Counted interactions per week, stacked by interaction group."""
    rows = (
        window.entries()
        .counted()
        .annotate(week=TruncWeek("date"))
        .values("week", "group__code")
        .annotate(count=Count("entry_no"))
        .order_by()
    )
    values: dict[tuple[str, str], int] = {}
    group_totals: dict[str, int] = {}
    for row in rows:
        week = row["week"]
        week = week.date() if isinstance(week, dt.datetime) else week
        key = (week.isoformat(), row["group__code"])
        values[key] = values.get(key, 0) + row["count"]
        group_totals[row["group__code"]] = (
            group_totals.get(row["group__code"], 0) + row["count"]
        )
    ranked = sorted(group_totals, key=lambda code: (-group_totals[code], code))
    series = ranked[:MAX_SERIES]
    if len(ranked) > MAX_SERIES:
        other = _("Other")
        for (week, code), count in list(values.items()):
            if code not in series:
                values[(week, other)] = values.get((week, other), 0) + count
        series.append(other)
    columns = [
        (monday.isoformat(), _("W%(week)s") % {"week": monday.isocalendar().week})
        for monday in window.mondays()
    ]
    return stacked_columns(
        _("Interactions per week by group"),
        columns,
        series,
        values,
        first_head=_("Week"),
    )


def template_figures(window: Window) -> list[InteractionTemplate]:
    """Templates used in the window with count, cost and duration, costliest first.

    Filtering on the entries' dates before annotating makes the join itself
    window-restricted, so only the window's entries are read.
    """
    templates = InteractionTemplate.objects.filter(
        entries__date__gte=window.date_from, entries__date__lte=window.date_to
    )
    return list(
        annotate_statistics(
            templates, date_from=window.date_from, date_to=window.date_to
        )
        .filter(interaction_count__gt=0)
        .order_by("-interaction_cost", "-interaction_duration", "code")[:TOP_ROWS]
    )


def top_salespeople(window: Window) -> list[Salesperson]:
    """Salespeople with the most counted interactions in the window."""
    salespeople = Salesperson.objects.filter(
        interaction_entries__date__gte=window.date_from,
        interaction_entries__date__lte=window.date_to,
    )
    return list(
        annotate_statistics(
            salespeople, date_from=window.date_from, date_to=window.date_to
        )
        .filter(interaction_count__gt=0)
        .order_by("-interaction_count", "code")[:TOP_ROWS]
    )


def canceled_share(window: Window) -> dict[str, Any]:
    """How many of the window's entries are canceled, and their share in %."""
    figures = window.entries().aggregate(
        total=Count("entry_no"), canceled=Count("entry_no", filter=Q(canceled=True))
    )
    total, canceled = figures["total"], figures["canceled"]
    share = round(canceled * 100 / total, 1) if total else 0
    return {"total": total, "canceled": canceled, "share": share}


class DashboardView(PermissionRequiredMixin, View):
    """``/``: the window's totals, charts with table fallbacks, recent entries."""

    permission_required = "interactions.view_interactionlogentry"
    raise_exception = True
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest) -> HttpResponse:
        weeks = request.GET.get("weeks", "")
        weeks = int(weeks) if weeks.isdigit() else DEFAULT_WEEKS
        if weeks not in WINDOW_CHOICES:
            weeks = DEFAULT_WEEKS
        window = Window.last_weeks(weeks, timezone.localdate())
        templates = template_figures(window)
        salespeople = top_salespeople(window)
        context = {
            "window": window,
            "window_choices": WINDOW_CHOICES,
            "totals": entry_totals(window.entries()),
            "share": canceled_share(window),
            "weekly_chart": weekly_chart(window),
            "cost_chart": horizontal_bars(
                _("Cost by template"),
                [(str(t), t.interaction_cost) for t in templates],
                value_head=_("Cost (LCY)"),
                decimals=2,
                css="series-0",
            ),
            "duration_chart": horizontal_bars(
                _("Duration by template"),
                [(str(t), t.interaction_duration) for t in templates],
                value_head=_("Duration (min.)"),
                css="series-2",
            ),
            "salespeople_chart": horizontal_bars(
                _("Top salespeople"),
                [(s.name, s.interaction_count) for s in salespeople],
                value_head=_("Interactions"),
                css="series-4",
            ),
            "recent": InteractionLogEntry.objects.visible()
            .with_related()
            .newest_first()[:RECENT_ENTRIES],
        }
        return render(request, "interactions/dashboard.html", context)
