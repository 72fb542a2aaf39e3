"""SVG chart geometry: bars scale to the largest value, plots fit their points, timelines."""

from __future__ import annotations

import math

from newsprism.web.charts import bar_chart, coordinate_plot, parse_when, timeline


def test_bars_scale_to_the_largest_value_and_cut_long_labels() -> None:
    chart = bar_chart("t", [("a" * 50, 10), ("b", 5), ("c", 0)])
    widths = [bar.width for bar in chart.bars]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    assert chart.bars[0].short.endswith("…") and len(chart.bars[0].short) <= 32
    assert chart.bars[0].label == "a" * 50
    assert [b.display for b in chart.bars] == ["10", "5", "0"]
    assert bar_chart("empty", []).bars == [] and bar_chart("empty", []).height == 0


def test_plot_fits_points_and_draws_a_graticule() -> None:
    plot = coordinate_plot([(36.2, 37.16, "Aleppo", "e1"), (35.9, 39.0, "Raqqa", "e2")])
    assert plot is not None
    for point in plot.points:
        assert 0 <= point.x <= plot.width and 0 <= point.y <= plot.height
    aleppo, raqqa = plot.points
    assert raqqa.x > aleppo.x and raqqa.y > aleppo.y  # east and south of Aleppo
    assert any(line.label.endswith("N") for line in plot.grid)
    assert any(line.label.endswith("E") for line in plot.grid)


def test_plot_ignores_invalid_coordinates() -> None:
    assert coordinate_plot([]) is None
    assert coordinate_plot([(math.nan, 1.0, "x", "r"), (91.0, 0.0, "y", "r")]) is None
    single = coordinate_plot([(-33.9, 151.2, "Sydney", "r")])
    assert single is not None and len(single.points) == 1
    assert any(line.label.endswith("S") for line in single.grid)


def test_timeline_places_dated_items_in_order() -> None:
    tl = timeline(
        [
            ("A", "2015-10-09T18:40:00+00:00", "first", "d1"),
            ("B", "2015-10-11", "last", "d2"),
            ("A", "", "undated", "d3"),
            ("event: airstrike", "2015-10-10", "strike", "d1"),
        ]
    )
    assert tl is not None
    assert tl.rows == ["A", "B", "event: airstrike"]
    xs = {m.label: m.x for m in tl.marks}
    assert set(xs) == {"first", "last", "strike"}
    assert xs["first"] < xs["strike"] < xs["last"]
    assert timeline([("A", "not a date", "x", "d")]) is None
    assert parse_when("2015-10-09Z") is not None and parse_when(None) is None


def test_points_at_one_place_merge_and_labels_never_overlap() -> None:
    located = [(36.2, 37.16, "airstrike — Aleppo", f"e{i}") for i in range(3)]
    located += [(36.21, 37.17, "attack — Aleppo east", "e3"), (38.9, -77.0, "Washington", "e4")]
    plot = coordinate_plot(located)
    assert plot is not None
    assert [p.count for p in plot.points] == [3, 1, 1]
    assert plot.points[0].label == "airstrike — Aleppo ×3" and plot.points[0].ref == "e0"
    shown = [p for p in plot.points if p.show_label]
    assert len(shown) == 2  # the label next to Aleppo's would overlap it
    east = max(plot.points, key=lambda p: p.x)
    assert east.anchor == "end" and min(plot.points, key=lambda p: p.x).anchor == "start"
