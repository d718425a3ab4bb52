"""Server-rendered SVG bar charts of status counts: they print, and need no JavaScript.

Each chart is a list of rows (a label and a Counter of statuses); the template draws one
stacked bar per row and a table with the same numbers as the text alternative.
"""

from dataclasses import dataclass

from commitments.models import ProgressReport
from commitments.status import NO_REPORT, NO_REPORT_LABEL, STATUS_ORDER

# Fill colours match the .status-* classes of site.css.
STATUS_FILLS = {
    "not_started": "#e4e7eb",
    "limited": "#cfe3f7",
    "substantial": "#8fbbe8",
    "complete": "#1d4e89",
    "not_applicable": "#ffffff",
    NO_REPORT: "#f5f7fa",
}
CHART_KEYS = [str(s) for s in STATUS_ORDER] + [NO_REPORT]
# Lazy: each chart names the statuses in the language of the page it is drawn for.
LABELS = {**dict(ProgressReport.Status.choices), NO_REPORT: NO_REPORT_LABEL}

BAR_X = 170  # room for the row labels on the left
BAR_WIDTH = 420
ROW_HEIGHT = 28
BAR_HEIGHT = 18


@dataclass
class Segment:
    key: str
    label: str
    count: int
    x: float
    width: float
    fill: str


@dataclass
class ChartRow:
    label: str
    counts: list  # (key, label, count) in CHART_KEYS order, for the text table
    segments: list
    y: int
    total: int


@dataclass
class Chart:
    rows: list
    height: int
    legend: list  # (key, label, fill)
    bar_x: int = BAR_X
    bar_width: int = BAR_WIDTH


def stacked_bars(rows) -> Chart:
    """`rows`: (label, Counter of status keys). Bars are scaled to each row's total."""
    chart_rows = []
    for index, (label, counter) in enumerate(rows):
        total = sum(counter.get(key, 0) for key in CHART_KEYS)
        x = float(BAR_X)
        segments = []
        for key in CHART_KEYS:
            count = counter.get(key, 0)
            if not count:
                continue
            width = BAR_WIDTH * count / total
            segments.append(Segment(key, LABELS[key], count, x, width, STATUS_FILLS[key]))
            x += width
        counts = [(key, LABELS[key], counter.get(key, 0)) for key in CHART_KEYS]
        chart_rows.append(ChartRow(str(label), counts, segments, index * ROW_HEIGHT, total))
    legend = [(key, LABELS[key], STATUS_FILLS[key]) for key in CHART_KEYS]
    return Chart(chart_rows, max(len(chart_rows), 1) * ROW_HEIGHT, legend)


def status_chart(matrix) -> Chart:
    """The matrix's counts per status, one bar per commitment (the dashboard, /commitments/)."""
    return stacked_bars([(c.code, counter) for c, counter in matrix.counts_by_commitment()])
