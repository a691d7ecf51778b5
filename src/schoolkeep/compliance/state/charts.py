"""The score of a framework over the year, as a server-rendered SVG line.

Like ``overview.charts``: no script, and no ``style`` attribute (the page's Content Security
Policy refuses them), so every colour and size is a presentation attribute. The chart is an
image with its own words (``role="img"``, a ``<title>`` and a ``<desc>`` named by
``aria-labelledby``) saying the first, lowest, highest and latest scores; the page puts a table
of the same figures beside it, so nothing depends on seeing the line or its colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from schoolkeep.overview.types import Rag, rag_for

WIDTH = 600  # the chart's own units, drawn at most 600 pixels wide (narrower on a phone)
HEIGHT = 240
LEFT = 64  # room for the percentages on the left
RIGHT = 12
TOP = 14
BOTTOM = 40  # room for the months underneath
FONT = 16
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
AXIS = Rag.NONE.colour
STEPS = (0, 25, 50, 75, 100)


class ScorePoint(Protocol):
    """What the chart reads of a snapshot (``compliance.models.Snapshot``)."""

    taken_on: date
    score_permille: int


def day_words(day: date) -> str:
    """"7 Dec 2026", as the pages write a day."""
    return f"{day.day} {day:%b %Y}"


def percent(point: ScorePoint) -> int:
    """The score as a whole percentage, rounded down, as ``FrameworkState.percent``."""
    return point.score_permille // 10


def summary(points: Sequence[ScorePoint]) -> str:
    """The chart in words: where the score started, its lowest and highest, where it is."""
    if not points:
        return "No scores recorded yet."
    first, last = points[0], points[-1]
    if len(points) == 1:
        return f"One score recorded: {percent(last)}% on {day_words(last.taken_on)}."
    low = min(points, key=lambda point: (point.score_permille, point.taken_on))
    high = max(points, key=lambda point: (point.score_permille, point.taken_on))
    return (f"{len(points)} scores from {day_words(first.taken_on)} to "
            f"{day_words(last.taken_on)}. It was {percent(first)}% at the start and is "
            f"{percent(last)}% now; lowest {percent(low)}% on {day_words(low.taken_on)}, "
            f"highest {percent(high)}% on {day_words(high.taken_on)}.")


def _x(day: date, first: date, span: int) -> int:
    inner = WIDTH - LEFT - RIGHT
    if span <= 0:
        return LEFT + inner // 2
    return LEFT + inner * (day - first).days // span


def _y(permille: int) -> int:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner - inner * max(0, min(permille, 1000)) // 1000


def _months(first: date, last: date) -> list[date]:
    """The first day of every month after ``first`` up to ``last`` (where the labels go);
    every other one when there are more than six, so that the words never run together."""
    months: list[date] = []
    day = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    while day <= last:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months[::2] if len(months) > 6 else months


def _grid() -> SafeString:
    lines = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"></line>'
        '<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="end">{}%</text>',
        ((LEFT, _y(step * 10), WIDTH - RIGHT, _y(step * 10), GRID,
          LEFT - 8, _y(step * 10) + FONT // 3, FONT, TEXT, step) for step in STEPS),
    )
    axis = format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2">'
                       '</line>', LEFT, _y(0), WIDTH - RIGHT, _y(0), AXIS)
    return format_html("{}{}", lines, axis)


def _labels(first: date, last: date, span: int) -> SafeString:
    months = _months(first, last)
    if not months:  # under a month: the first and last days themselves
        months = [first] if first == last else [first, last]
        words = [f"{day.day} {day:%b}" for day in months]
    else:
        words = [f"{day:%b}" if day.month != 1 else f"{day:%b %Y}" for day in months]
    return format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"></line>'
        '<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="middle">{}</text>',
        ((_x(day, first, span), _y(0), _x(day, first, span), _y(0) + 6, AXIS,
          min(max(_x(day, first, span), LEFT + 24), WIDTH - 36), HEIGHT - BOTTOM + FONT + 10,
          FONT, TEXT, word)
         for day, word in zip(months, words, strict=True)),
    )


def trend_svg(snapshots: Sequence[ScorePoint], *, title: str, chart_id: str) -> SafeString:
    """A line of the score (0 to 100 %) over the days of ``snapshots`` (oldest first, as
    ``snapshots.trend`` gives them), drawn in the colour of the latest score (green all
    met, amber 90 % or more, red below); the last point is marked. ``chart_id`` must be
    unique on the page: the title and description take their ids from it."""
    points = sorted(snapshots, key=lambda point: point.taken_on)
    words = summary(points)
    if points:
        first, last = points[0].taken_on, points[-1].taken_on
        span = (last - first).days
        colour = rag_for(points[-1].score_permille, 1000).colour
        coordinates = " ".join(f"{_x(point.taken_on, first, span)},{_y(point.score_permille)}"
                               for point in points)
        end = points[-1]
        line = format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="3" '
            'stroke-linejoin="round" stroke-linecap="round"></polyline>'
            '<circle cx="{}" cy="{}" r="5" fill="{}"></circle>',
            coordinates, colour, _x(end.taken_on, first, span), _y(end.score_permille), colour)
        drawing = format_html("{}{}{}", _grid(), _labels(first, last, span), line)
    else:
        drawing = format_html(
            '{}<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="middle">{}</text>',
            _grid(), LEFT + (WIDTH - LEFT - RIGHT) // 2, _y(500), FONT, TEXT, words)
    return format_html(
        '<svg class="compliance-trend" role="img" aria-labelledby="{} {}" focusable="false" '
        'viewBox="0 0 {} {}" width="{}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}</svg>',
        f"{chart_id}-title", f"{chart_id}-desc", WIDTH, HEIGHT, WIDTH,
        f"{chart_id}-title", title, f"{chart_id}-desc", words, drawing,
    )
