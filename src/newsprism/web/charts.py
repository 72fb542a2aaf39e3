"""Geometry for the server-rendered SVG charts: bar charts, a lat/lon plot and a timeline.

Only numbers are computed here; the templates draw the shapes and print labels through
autoescape. No JavaScript chart library, no map tiles: everything works offline.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 210
BAR_AREA = 300
LABEL_CHARS = 30
"""Longest label drawn in full (longer ones are cut with an ellipsis; the full one is the
tooltip)."""


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: label (full and cut), value, and its position."""

    label: str
    short: str
    value: float
    display: str
    y: float
    width: float


@dataclass(frozen=True, slots=True)
class BarChart:
    """A horizontal bar chart: title, bars, and the SVG canvas size."""

    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(title: str, items: Sequence[tuple[str, float]]) -> BarChart:
    """Horizontal bars scaled to the largest value (zero-height chart when `items` is empty)."""
    top = max((value for _, value in items), default=0.0)
    bars = []
    for row, (label, value) in enumerate(items):
        width = 0.0 if top <= 0 or value <= 0 else max(1.0, BAR_AREA * value / top)
        display = str(int(value)) if float(value).is_integer() else f"{value:.2f}"
        bars.append(Bar(label, _short(label), value, display, row * (BAR_HEIGHT + BAR_GAP), width))
    height = max(0, len(bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP)
    return BarChart(title, bars, LABEL_WIDTH + BAR_AREA + 50, height)


@dataclass(frozen=True, slots=True)
class GridLine:
    """One graticule line with its label; (x1, y1) to (x2, y2) on the canvas."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True, slots=True)
class PlotPoint:
    """A located item on the canvas."""

    x: float
    y: float
    label: str
    lat: float
    lon: float
    ref: str
    count: int = 1
    """Items at this place (points at the same coordinates are drawn once)."""
    show_label: bool = True
    """False when the label would overlap one already drawn (the tooltip still names it)."""
    anchor: str = "start"
    """SVG text-anchor: labels near the right edge are drawn to the left of their point."""


@dataclass(frozen=True, slots=True)
class CoordPlot:
    """An equirectangular lat/lon scatter with a graticule (no tiles, no coastlines)."""

    width: int
    height: int
    points: list[PlotPoint]
    grid: list[GridLine] = field(default_factory=list)


_GRID_STEPS = (0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 45.0, 90.0)
_PAD = 24


def _grid_step(span: float) -> float:
    """The smallest step that draws at most about six lines over `span` degrees."""
    for step in _GRID_STEPS:
        if span / step <= 6:
            return step
    return _GRID_STEPS[-1]


def _degrees(value: float, positive: str, negative: str) -> str:
    text = f"{abs(value):g}°"
    return text if value == 0 else text + (positive if value > 0 else negative)


def coordinate_plot(
    located: Sequence[tuple[float, float, str, str]], width: int = 760, height: int = 340
) -> CoordPlot | None:
    """Plot (lat, lon, label, ref) points; None when none has valid coordinates.

    The view fits the points with a margin of at least two degrees, so one point still shows
    its neighbourhood's graticule; degrees keep one scale on both axes (equirectangular).
    """
    points = [
        (lat, lon, label, ref)
        for lat, lon, label, ref in located
        if math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180
    ]
    if not points:
        return None
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    margin = max(2.0, 0.15 * max(max(lats) - min(lats), max(lons) - min(lons)))
    south, north = max(-90.0, min(lats) - margin), min(90.0, max(lats) + margin)
    west, east = max(-180.0, min(lons) - margin), min(180.0, max(lons) + margin)
    inner_w, inner_h = width - 2 * _PAD, height - 2 * _PAD
    scale = min(inner_w / (east - west), inner_h / (north - south))
    # Centre the fitted box on the canvas.
    off_x = _PAD + (inner_w - scale * (east - west)) / 2
    off_y = _PAD + (inner_h - scale * (north - south)) / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return off_x + scale * (lon - west), off_y + scale * (north - lat)

    grid: list[GridLine] = []
    # Each axis gets its own step, so a wide but short view still shows several parallels.
    step = _grid_step(east - west)
    lon_line = math.ceil(west / step) * step
    while lon_line <= east:
        x, _ = xy(north, lon_line)
        _, y_bottom = xy(south, lon_line)
        grid.append(GridLine(x, off_y, x, y_bottom, _degrees(lon_line, "E", "W")))
        lon_line += step
    step = _grid_step(north - south)
    lat_line = math.ceil(south / step) * step
    while lat_line <= north:
        x_left, y = xy(lat_line, west)
        x_right, _ = xy(lat_line, east)
        grid.append(GridLine(x_left, y, x_right, y, _degrees(lat_line, "N", "S")))
        lat_line += step
    return CoordPlot(width, height, _place_labels(_merge_places(points), xy, width), grid)


def _merge_places(
    points: Sequence[tuple[float, float, str, str]],
) -> list[tuple[float, float, str, str, int]]:
    """One entry per distinct place (coordinates to ~100 m), with how many items share it."""
    merged: dict[tuple[float, float], list[Any]] = {}
    for lat, lon, label, ref in points:
        key = (round(lat, 3), round(lon, 3))
        if key in merged:
            merged[key][4] += 1
        else:
            merged[key] = [lat, lon, label, ref, 1]
    return [(e[0], e[1], e[2], e[3], e[4]) for e in merged.values()]


LABEL_ROOM = (90.0, 14.0)
"""Width and height (px) a point label is taken to need when checking overlaps."""


def _place_labels(
    places: Sequence[tuple[float, float, str, str, int]],
    xy: Callable[[float, float], tuple[float, float]],
    width: int,
) -> list[PlotPoint]:
    """Canvas points; a label is drawn only where it overlaps no earlier one (most items first)."""
    taken: list[tuple[float, float]] = []
    out = []
    for lat, lon, label, ref, count in sorted(places, key=lambda p: -p[4]):
        x, y = xy(lat, lon)
        anchor = "end" if x > width * 0.7 else "start"
        free = all(abs(x - tx) >= LABEL_ROOM[0] or abs(y - ty) >= LABEL_ROOM[1] for tx, ty in taken)
        if free:
            taken.append((x, y))
        text = label if count == 1 else f"{label} ×{count}"
        out.append(PlotPoint(x, y, text, lat, lon, ref, count, free, anchor))
    return out


@dataclass(frozen=True, slots=True)
class TimelineMark:
    """One dated item on a timeline."""

    x: float
    row: int
    when: str
    label: str
    ref: str


@dataclass(frozen=True, slots=True)
class Timeline:
    """Dated items on one horizontal axis, one row per item kind or source."""

    width: int
    height: int
    marks: list[TimelineMark]
    rows: list[str]
    ticks: list[tuple[float, str]]
    left: int = 170
    row_height: int = 26


def parse_when(value: object) -> datetime | None:
    """An ISO date or datetime string as a naive datetime (the time zone is dropped)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value.strip()[:10]), datetime.min.time())
        except ValueError:
            return None
    return parsed.replace(tzinfo=None)


def timeline(
    items: Sequence[tuple[str, str, str, str]], width: int = 760, left: int = 170
) -> Timeline | None:
    """Place (row, when, label, ref) items on a time axis; None when no item has a date."""
    dated = [(row, parse_when(when), when, label, ref) for row, when, label, ref in items]
    kept = [(row, at, when, label, ref) for row, at, when, label, ref in dated if at is not None]
    if not kept:
        return None
    rows: list[str] = []
    for row, *_ in kept:
        if row not in rows:
            rows.append(row)
    times = [at for _, at, *_ in kept if at is not None]
    first, last = min(times), max(times)
    span = max((last - first).total_seconds(), 3600.0)
    # Room on the right for the last tick's label (drawn centred on its tick).
    area = width - left - 70

    def x_of(at: datetime) -> float:
        return left + 10 + area * (at - first).total_seconds() / span

    marks = [
        TimelineMark(x_of(at), rows.index(row), when, label, ref)
        for row, at, when, label, ref in kept
        if at is not None
    ]
    tick_count = 4
    fmt = "%Y-%m-%d %H:%M" if span < 4 * 86400 else "%Y-%m-%d"
    ticks: list[tuple[float, str]] = []
    for index in range(tick_count + 1):
        at = first + (last - first) * index / tick_count
        label = at.strftime(fmt)
        if not ticks or ticks[-1][1] != label:
            ticks.append((x_of(at), label))
    row_height = 26
    return Timeline(width, 40 + row_height * len(rows), marks, rows, ticks, left, row_height)
