"""Server-rendered SVG bar charts: the geometry here, the drawing in a template.

``templates/includes/bar_chart.html`` draws a :class:`BarChart` and gives it a
data table as accessible fallback. No JavaScript and nothing from a CDN.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _


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
