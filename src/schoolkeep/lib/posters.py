"""What the printable posters of the public no-login pages share (the "report a concern"
poster of incidents, the request-page poster of requests): one A4 portrait page with the
page's address in full and as a QR code (segno, as a ``data:`` SVG image, the only kind of
URL the PDF maker fetches). Each app keeps its own template, headline and sizes.
"""

from __future__ import annotations

from typing import Any

import segno
from django.template.loader import render_to_string

from schoolkeep.tenancy.models import School

# A4 portrait, one page; an app adds its own ``h1`` and ``.poster-qr`` sizes. No user text
# is written into this stylesheet.
BASE_CSS = """
@page { size: A4 portrait; margin: 18mm; }
html { font-family: sans-serif; color: #0b0c0c; line-height: 1.35; }
.poster { text-align: center; }
.poster-school { font-size: 16pt; font-weight: bold; margin: 0 0 10mm; }
.poster-steps { font-size: 14pt; margin: 0 0 6mm; }
.poster-url { font-family: monospace; font-size: 12pt; word-break: break-all;
  border: 0.75pt solid #0b0c0c; padding: 3mm; margin: 0 0 8mm; }
.poster-small { font-size: 11pt; color: #505a5f; margin: 0 0 3mm; }
"""


def qr_svg_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG ``data:`` URI. Error correction "q" (25 %): a
    poster on a corridor wall gets scuffed."""
    return str(segno.make(url, error="q").svg_data_uri(scale=6, border=4))


def qr_svg_inline(url: str) -> str:
    """The same QR code as inline SVG markup for the settings page (a viewBox and no size,
    so that the stylesheet sizes it; no XML declaration)."""
    return str(segno.make(url, error="q").svg_inline(scale=4, border=4, omitsize=True,
                                                     title="QR code of the page's address"))


def poster_html(template_name: str, *, school: School, headline: str, url: str,
                **extra: Any) -> str:
    """The poster's HTML from ``template_name``, which gets ``school_name``, ``headline``,
    ``url`` and ``qr_data_uri`` (the QR code of ``url``), plus ``extra``."""
    return render_to_string(template_name, {
        "school_name": school.name, "headline": headline, "url": url,
        "qr_data_uri": qr_svg_data_uri(url), **extra})
