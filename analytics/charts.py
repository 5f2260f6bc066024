"""Charts drawn on the server as SVG: geometry here, markup in templates/analytics/_*.svg.html.

Why SVG from the server (README, "Analytics charts"): no JavaScript to vendor, audit or keep
under the CSP; the chart is in the HTML, so it prints, works without scripts, and carries its own
text alternative (<title>, <desc>) next to a table of the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext

from portal.money import money

WIDTH = 640
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 190
VALUE_WIDTH = 90
COLUMN_HEIGHT = 200
AXIS_HEIGHT = 40


def _number(value, currency: str = "") -> str:
    """A figure in the reader's format: whole units of ``currency`` when given; n/a for none."""
    if value is None:
        return gettext("n/a")
    if currency:
        return money(value, currency, whole=True)
    if isinstance(value, Decimal):
        value = value.quantize(Decimal("1"))
    return number_format(value, force_grouping=True)


def _labelled(label: str, value: str) -> str:
    return gettext("%(label)s: %(value)s") % {"label": label, "value": value}


@dataclass
class Bar:
    label: str
    value: int | Decimal | None
    x: float
    y: float
    width: float
    height: float
    text: str
    text_x: float = 0
    text_y: float = 0


@dataclass
class HorizontalBars:
    """One bar per label, longest for the largest value (funnels, breakdowns)."""

    title: str
    description: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = 0
    label_width: int = LABEL_WIDTH


def horizontal_bars(*, title: str, items: list[tuple[str, int | Decimal | None]]) -> HorizontalBars:
    """Bars scaled to the largest value; a value that does not apply draws no bar, says n/a."""
    largest = max([value for _, value in items if value] or [1])
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (label, value) in enumerate(items):
        y = index * (BAR_HEIGHT + BAR_GAP)
        length = plot * float(value or 0) / float(largest)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=LABEL_WIDTH,
                y=y,
                width=round(length, 1),
                height=BAR_HEIGHT,
                text=_number(value),
                text_x=round(LABEL_WIDTH + length + 6, 1),
                text_y=y + BAR_HEIGHT * 0.7,
            )
        )
    description = "; ".join(_labelled(label, _number(value)) for label, value in items)
    return HorizontalBars(
        title=title,
        description=description,
        bars=bars,
        height=max(len(items) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT),
    )


@dataclass
class Segment:
    series: str
    css: str
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass
class Column:
    label: str
    x: float
    label_x: float
    total_text: str
    total_y: float
    segments: list[Segment] = field(default_factory=list)


@dataclass
class StackedColumns:
    """One column per period, stacked by series (revenue by attribution over time)."""

    title: str
    description: str
    columns: list[Column]
    legend: list[tuple[str, str]]
    width: int = WIDTH
    height: int = COLUMN_HEIGHT + AXIS_HEIGHT
    baseline: int = COLUMN_HEIGHT


def stacked_columns(
    *, title: str, labels: list[str], series: list[tuple[str, str, list]], currency: str = ""
) -> StackedColumns:
    """Columns scaled to the largest period total; each series its own class (colour and
    pattern in CSS, so colour is never the only cue: the legend and table name them). Values in
    ``currency`` are written as money."""
    totals = [sum((values[i] or 0) for _, _, values in series) for i in range(len(labels))]
    largest = max([total for total in totals if total] or [1])
    slot = WIDTH / max(len(labels), 1)
    width = min(slot * 0.6, 60)
    columns = []
    for i, label in enumerate(labels):
        x = i * slot + (slot - width) / 2
        top = float(COLUMN_HEIGHT)
        segments = []
        for index, (key, name, values) in enumerate(series):
            value = values[i] or 0
            height = COLUMN_HEIGHT * 0.9 * float(value) / float(largest)
            if height <= 0:
                continue
            top -= height
            segments.append(
                Segment(
                    series=key,
                    css=f"series-{index + 1}",
                    x=round(x, 1),
                    y=round(top, 1),
                    width=round(width, 1),
                    height=round(height, 1),
                    title=gettext("%(period)s, %(series)s: %(value)s")
                    % {"period": label, "series": name, "value": _number(value, currency)},
                )
            )
        columns.append(
            Column(
                label=label,
                x=round(x, 1),
                label_x=round(x + width / 2, 1),
                total_text=_number(totals[i], currency),
                total_y=round(top - 4, 1),
                segments=segments,
            )
        )
    pairs = zip(labels, totals, strict=True)
    description = "; ".join(_labelled(label, _number(total, currency)) for label, total in pairs)
    legend = [(f"series-{index + 1}", name) for index, (_, name, _) in enumerate(series)]
    return StackedColumns(title=title, description=description, columns=columns, legend=legend)
