"""The printable request-page poster: one A4 page with the page's address in full and as a
QR code (segno, as a ``data:`` SVG image, the only kind of URL the PDF maker fetches).
``poster_html`` is also what the tests read."""

from __future__ import annotations

import segno
from django.template.loader import render_to_string

from schoolkeep.inforequests.intake.services import offers_public_information
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.tenancy.models import School

POSTER_HEADLINE = "Want to see the information we hold about you or your child? Ask us here."

# A4 portrait, one page. No user text is written into this stylesheet.
POSTER_CSS = """
@page { size: A4 portrait; margin: 18mm; }
html { font-family: sans-serif; color: #0b0c0c; line-height: 1.35; }
.poster { text-align: center; }
.poster-school { font-size: 16pt; font-weight: bold; margin: 0 0 10mm; }
h1 { font-size: 26pt; margin: 0 0 6mm; }
.poster-list { font-size: 13pt; text-align: left; margin: 0 auto 6mm; max-width: 150mm; }
.poster-steps { font-size: 14pt; margin: 0 0 6mm; }
.poster-qr { display: block; width: 80mm; height: 80mm; margin: 0 auto 6mm; }
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


def poster_html(*, school: School, url: str) -> str:
    return render_to_string("inforequests/intake/poster.html", {
        "school_name": school.name, "headline": POSTER_HEADLINE, "url": url,
        "qr_data_uri": qr_svg_data_uri(url), "offers_foi": offers_public_information(school)})


def poster_pdf(*, school: School, url: str) -> bytes:
    return pdf_from_html(poster_html(school=school, url=url), POSTER_CSS)
