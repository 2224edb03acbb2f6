"""The server-drawn charts: bars in proportion, no bar for nothing counted, gaps in a trend,
every label escaped, and each chart named for screen readers."""

from __future__ import annotations

import re

from api.web.charts import WIDTH, Series, bars, columns, lines, ring, stacked_bars


def widths(svg: str, css: str) -> list[float]:
    """The lengths of the bars (16 high; legend swatches are 12) of one series."""
    return [float(w) for w in re.findall(rf'width="([\d.]+)" height="16.0" class="{css}"', svg)]


def test_a_stacked_bar_splits_each_row_in_proportion_to_the_largest_total() -> None:
    svg = str(
        stacked_bars(
            "board",
            "Board",
            "open cases per unit",
            rows=[("AMR", {"overdue": 2, "on_time": 2}), ("HRS", {"on_time": 1})],
            series=[Series("overdue", "Overdue"), Series("on_time", "On time")],
            fmt=str,
        )
    )
    span = WIDTH - 60  # 500: the longest total, 4 cases, fills it
    assert widths(svg, "s-overdue") == [span * 2 / 4]
    assert widths(svg, "s-on_time") == [span * 2 / 4, span * 1 / 4]
    assert 'role="img"' in svg
    assert '<title id="board-t">Board</title>' in svg
    assert '<desc id="board-d">open cases per unit</desc>' in svg


def test_a_rate_bar_is_drawn_against_the_whole_and_nothing_counted_is_said_not_drawn() -> None:
    svg = str(
        bars(
            "rates",
            "Good reviews",
            "per unit",
            items=[("AMR", 0.5), ("HRS", None)],
            fmt=lambda v: f"{v:.0%}",
            scale=1.0,
            series="good",
            empty="no ratings",
        )
    )
    assert widths(svg, "s-good") == [(WIDTH - 70) * 0.5]
    assert svg.count('class="track"') == 2
    assert ">no ratings</text>" in svg
    assert ">50%</text>" in svg


def test_bars_may_each_have_their_own_colour_and_a_target_line() -> None:
    svg = str(
        bars(
            "quota",
            "Quota",
            "share met",
            items=[("A", 1.2), ("B", 0.4)],
            fmt=str,
            scale=1.2,
            target=1.0,
            target_label="quota",
            classes=["met", "unmet"],
        )
    )
    assert len(widths(svg, "s-met")) == 1
    assert len(widths(svg, "s-unmet")) == 1
    x = (WIDTH - 70) * 1.0 / 1.2
    assert f'<line x1="{x:.1f}"' in svg


def test_a_trend_leaves_a_gap_where_a_month_counted_nothing() -> None:
    svg = str(
        lines(
            "trend",
            "Trend",
            "by month",
            x_labels=["01", "02", "03", "04"],
            series=[(Series("good", "Good"), [0.5, None, 0.7, 0.8])],
            fmt=str,
        )
    )
    polylines = re.findall(r'<polyline points="([^"]+)"', svg)
    assert len(polylines) == 1  # months 03 and 04; month 01 stands alone
    assert len(polylines[0].split(" ")) == 2
    assert svg.count("<circle") == 3


def test_labels_are_escaped() -> None:
    svg = str(
        columns("visits", "Visits <b>", "x", items=[("<script>", 3.0)], fmt=lambda v: f"{v:g}")
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "Visits &lt;b&gt;" in svg


def test_a_ring_draws_the_share_of_its_circumference() -> None:
    svg = str(ring("cover", "Coverage", "key enterprises", part=7, whole=8, caption="covered"))
    circumference = 2 * 3.14159265 * 52
    assert f'stroke-dasharray="{circumference * 7 / 8:.1f} {circumference:.1f}"' in svg
    assert ">7/8</text>" in svg
    assert 'viewBox="0 0 140 140"' in svg
