"""Charts of the overview as server-rendered SVG.

The page's Content Security Policy refuses ``style`` attributes, so every colour and size
is a presentation attribute (``fill=``, ``width=``). Each chart is an image with its own
words (``role="img"``, a ``<title>`` and ``aria-label``); the same figures are in the table
beside it, with the red, amber or green word, so nothing depends on colour alone.
"""

from __future__ import annotations

import textwrap

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from schoolkeep.overview.selectors import AreaFigures
from schoolkeep.overview.types import Figure, Rag

WIDTH = 600  # the chart's own units, drawn at most 600 pixels wide (narrower on a phone)
FONT = 20  # units: about 20 pixels on a wide screen, 12 on a phone
LINE = 26  # the height of one line of words
LABEL_CHARACTERS = 50  # a label longer than this wraps onto a second line
BAR = 22
GAP = 18  # between one measure's bar and the next measure's words
TRACK = "#f3f2f1"  # the unfilled part of a bar
TEXT = "#0b0c0c"


def figure_words(figure: Figure) -> str:
    """"31 of 34 (91%): nearly met" (no space before the sign, as the pages write it), then
    ", and 1 still within its 72 hours" when some are not yet measurable; or the measure's
    words for nothing to count ("None decided yet: 2 still within their 72 hours")."""
    pending = figure.pending_note
    if not figure.present:
        return figure.spec.empty
    if figure.total == 0:
        if pending:
            return f"{figure.spec.pending_none}: {pending}"
        return f"{figure.spec.empty}: {figure.rag.word.lower()}"
    words = f"{figure.met} of {figure.total} ({figure.percent}%): {figure.rag.word.lower()}"
    return f"{words}, and {pending}" if pending else words


def _measure(top: int, figure: Figure) -> tuple[SafeString, int]:
    """One measure's words (its label, wrapped, then its figures in bold) and its bar,
    drawn from ``top``; returns the markup and the height it takes."""
    lines = [(line, "400") for line in textwrap.wrap(figure.spec.label, LABEL_CHARACTERS)]
    lines += [(line, "700") for line in textwrap.wrap(figure_words(figure), LABEL_CHARACTERS)]
    words = format_html_join("", '<text x="0" y="{}" font-size="{}" font-weight="{}" '
                                 'fill="{}">{}</text>',
                             ((top + LINE * (n + 1) - 6, FONT, weight, TEXT, line)
                              for n, (line, weight) in enumerate(lines)))
    bar_top = top + LINE * len(lines) + 4
    filled = WIDTH * figure.met // figure.total if figure.present and figure.total else 0
    bars = format_html('<rect x="0" y="{}" width="{}" height="{}" fill="{}"></rect>'
                       '<rect x="0" y="{}" width="{}" height="{}" fill="{}"></rect>',
                       bar_top, WIDTH, BAR, TRACK, bar_top, filled, BAR, figure.rag.colour)
    return format_html("{}{}", words, bars), bar_top + BAR + GAP - top


def area_chart(area: AreaFigures, *, chart_id: str) -> SafeString:
    """A bar per measure of the area, filled as far as it is met, in its RAG colour."""
    parts, height = [], 0
    for figure in area.figures:
        markup, used = _measure(height, figure)
        parts.append((markup,))
        height += used
    summary = "; ".join(f"{figure.spec.label}: {figure_words(figure)}"
                        for figure in area.figures)
    title = f"Chart of {area.area.label}. {summary}"
    return format_html(
        '<svg class="overview-chart" role="img" aria-label="{}" focusable="false" '
        'viewBox="0 0 {} {}" width="{}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}">{}</title>{}</svg>',
        title, WIDTH, height - GAP, WIDTH, chart_id, title,
        format_html_join("", "{}", parts),
    )


def mini_bar(met: int, total: int, rag: Rag) -> SafeString:
    """A small bar for a cell of the schools' table; hidden from screen readers, since the
    cell's words say the same. Short markup: a page holds hundreds of them."""
    width = 80
    filled = width * met // total if total > 0 else 0
    return format_html(
        '<svg aria-hidden="true" width="{}" height="10"><rect width="{}" height="10" '
        'fill="{}"/><rect width="{}" height="10" fill="{}"/></svg>',
        width, width, TRACK, filled, rag.colour,
    )
