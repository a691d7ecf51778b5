"""Charts of the overview as server-rendered SVG.

The page's Content Security Policy refuses ``style`` attributes, so every colour and size
is a presentation attribute (``fill=``, ``width=``). Each chart is an image with its own
words (``role="img"``, a ``<title>`` and ``aria-label``); the same figures are in the table
beside it, with the red, amber or green word, so nothing depends on colour alone.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from schoolkeep.overview.selectors import AreaFigures
from schoolkeep.overview.types import Figure, Rag

WIDTH = 600  # the chart's own units; it is drawn at the width of its box
ROW = 72  # the height of one measure: its label, its figures, then its bar
BAR = 18
TRACK = "#f3f2f1"  # the unfilled part of a bar
TEXT = "#0b0c0c"


def figure_words(figure: Figure) -> str:
    """"31 of 34 (91 %): nearly met", or the measure's words for nothing to count."""
    if not figure.present:
        return figure.spec.empty
    if figure.total == 0:
        return f"{figure.spec.empty}: {figure.rag.word.lower()}"
    return f"{figure.met} of {figure.total} ({figure.percent} %): {figure.rag.word.lower()}"


def _bar(index: int, figure: Figure) -> SafeString:
    top = index * ROW
    filled = WIDTH * figure.met // figure.total if figure.present and figure.total else 0
    return format_html(
        '<text x="0" y="{}" font-size="14" fill="{}">{}</text>'
        '<text x="0" y="{}" font-size="14" font-weight="700" fill="{}">{}</text>'
        '<rect x="0" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<rect x="0" y="{}" width="{}" height="{}" fill="{}"></rect>',
        top + 16, TEXT, figure.spec.label,
        top + 34, TEXT, figure_words(figure),
        top + 42, WIDTH, BAR, TRACK,
        top + 42, filled, BAR, figure.rag.colour,
    )


def area_chart(area: AreaFigures, *, chart_id: str) -> SafeString:
    """A bar per measure of the area, filled as far as it is met, in its RAG colour."""
    height = ROW * len(area.figures)
    summary = "; ".join(f"{figure.spec.label}: {figure_words(figure)}"
                        for figure in area.figures)
    title = f"Chart of {area.area.label}. {summary}"
    bars = format_html_join("", "{}", ((_bar(i, f),) for i, f in enumerate(area.figures)))
    return format_html(
        '<svg class="overview-chart" role="img" aria-label="{}" focusable="false" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}">{}</title>{}</svg>',
        title, WIDTH, height, chart_id, title, bars,
    )


def mini_bar(met: int, total: int, rag: Rag) -> SafeString:
    """A small bar for a cell of the schools' table; hidden from screen readers, since the
    cell's words say the same."""
    width = 80
    filled = width * met // total if total > 0 else 0
    return format_html(
        '<svg class="overview-mini" aria-hidden="true" focusable="false" width="{}" '
        'height="10" viewBox="0 0 {} 10" xmlns="http://www.w3.org/2000/svg">'
        '<rect x="0" y="0" width="{}" height="10" fill="{}"></rect>'
        '<rect x="0" y="0" width="{}" height="10" fill="{}"></rect></svg>',
        width, width, width, TRACK, filled, rag.colour,
    )
