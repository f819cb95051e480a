"""The dashboard at ``/``: figures and server-rendered SVG charts (issue #4 §8).

Every figure is restricted to a window of whole weeks (the last 12 by default)
and read by :mod:`interactions.selectors.dashboard`, so the page costs the
same however long the log is. The charts are drawn by
:mod:`interactions.web.charts`, each with a data table as fallback.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from interactions.selectors.dashboard import (
    Window,
    canceled_share,
    recent_entries,
    template_figures,
    top_salespeople,
    weekly_group_counts,
    window_totals,
)
from interactions.web.base import VIEW_ENTRIES, StaffRequest, StaffView
from interactions.web.charts import BarChart, horizontal_bars, stacked_columns

#: Window lengths offered on the page, in weeks.
WINDOW_CHOICES = (4, 12, 26, 52)
DEFAULT_WEEKS = 12
#: Series drawn with their own colour; the rest is summed up as "Other".
MAX_SERIES = 7
TOP_ROWS = 8
RECENT_ENTRIES = 10


def weekly_chart(window: Window) -> BarChart:
    """Counted interactions per week, stacked by interaction group."""
    values: dict[tuple[str, str], int] = {}
    group_totals: dict[str, int] = {}
    for (week, code), count in weekly_group_counts(window).items():
        values[(week.isoformat(), code)] = count
        group_totals[code] = group_totals.get(code, 0) + count
    ranked = sorted(group_totals, key=lambda code: (-group_totals[code], code))
    series = ranked[:MAX_SERIES]
    if len(ranked) > MAX_SERIES:
        other = _("Other")
        for (week_key, code), count in list(values.items()):
            if code not in series:
                values[(week_key, other)] = values.get((week_key, other), 0) + count
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


def window_weeks(value: str) -> int:
    """The window length asked for, if offered; else the default."""
    weeks = int(value) if value.isdigit() else DEFAULT_WEEKS
    return weeks if weeks in WINDOW_CHOICES else DEFAULT_WEEKS


class DashboardView(StaffView):
    """``/``: the window's totals, charts with table fallbacks, recent entries."""

    permission_required = VIEW_ENTRIES
    http_method_names = ["get", "head", "options"]

    def get(self, request: StaffRequest) -> HttpResponse:
        weeks = window_weeks(request.GET.get("weeks", ""))
        window = Window.last_weeks(weeks, timezone.localdate())
        templates = template_figures(window, limit=TOP_ROWS)
        salespeople = top_salespeople(window, limit=TOP_ROWS)
        context = {
            "window": window,
            "window_choices": WINDOW_CHOICES,
            "totals": window_totals(window),
            "share": canceled_share(window),
            "weekly_chart": weekly_chart(window),
            "cost_chart": horizontal_bars(
                _("Cost by template"),
                [(row.name, row.cost) for row in templates],
                value_head=_("Cost (LCY)"),
                decimals=2,
                css="series-0",
            ),
            "duration_chart": horizontal_bars(
                _("Duration by template"),
                [(row.name, row.duration) for row in templates],
                value_head=_("Duration (min.)"),
                css="series-2",
            ),
            "salespeople_chart": horizontal_bars(
                _("Top salespeople"),
                [(row.name, row.count) for row in salespeople],
                value_head=_("Interactions"),
                css="series-4",
            ),
            "recent": recent_entries(limit=RECENT_ENTRIES),
        }
        return render(request, "interactions/dashboard.html", context)
