"""The trend chart: a named image of the score over the year, with no style attribute or
script (the Content Security Policy), whose words say the same as the line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from schoolkeep.compliance.state.charts import summary, trend_svg


@dataclass
class Point:
    taken_on: date
    score_permille: int


def year() -> list[Point]:
    start = date(2025, 12, 8)
    return [Point(start + timedelta(weeks=week), 300 + week * 10) for week in range(52)]


def test_a_year_is_one_line_through_every_point_with_its_words() -> None:
    svg = str(trend_svg(year(), title="Online Security Policy: score over the year",
                        chart_id="trend-school-policy"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg
    assert 'aria-labelledby="trend-school-policy-title trend-school-policy-desc"' in svg
    assert ('<title id="trend-school-policy-title">Online Security Policy: score over '
            'the year') in svg
    assert re.search(r'<desc id="trend-school-policy-desc">52 scores from 8 Dec 2025 to '
                     r"30 Nov 2026\. It was 30% at the start and is 81% now", svg)
    assert "lowest 30% on 8 Dec 2025, highest 81% on 30 Nov 2026" in svg
    points = re.search(r'<polyline points="([^"]+)"', svg)
    assert points is not None
    pairs = [tuple(map(int, pair.split(","))) for pair in points.group(1).split()]
    assert len(pairs) == 52
    xs = [x for x, _ in pairs]
    ys = [y for _, y in pairs]
    assert xs == sorted(xs) and xs[0] == 64 and xs[-1] == 588  # the whole width, in date order
    assert ys == sorted(ys, reverse=True)  # rising scores draw upwards
    # Red below 90 %: the colour of the latest score, from overview.types.
    assert 'stroke="#c2311a"' in svg
    # Month labels under the line (every other month in a year), percentages beside it.
    assert ">Jan 2026</text>" in svg and ">100%</text>" in svg and ">0%</text>" in svg


def test_no_style_attribute_script_or_unescaped_words() -> None:
    svg = str(trend_svg(year(), title='A <b>"title"</b> & more', chart_id="c1"))
    assert "style=" not in svg and "<script" not in svg
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "&amp; more" in svg


def test_out_of_order_points_are_drawn_by_date_and_a_full_score_is_green() -> None:
    points = [Point(date(2026, 3, 1), 1000), Point(date(2026, 1, 1), 500)]
    svg = str(trend_svg(points, title="t", chart_id="c"))
    assert "It was 50% at the start and is 100% now" in svg
    assert 'stroke="#00703c"' in svg
    assert 'points="64,' in svg  # January first, on the left


def test_one_point_and_none_are_said_plainly() -> None:
    one = str(trend_svg([Point(date(2026, 12, 7), 456)], title="t", chart_id="c"))
    assert "One score recorded: 45% on 7 Dec 2026." in one
    assert "<circle" in one
    none = str(trend_svg([], title="t", chart_id="c"))
    assert "No scores recorded yet." in none and "<polyline" not in none
    assert summary([]) == "No scores recorded yet."
