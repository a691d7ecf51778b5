"""The printable request-page poster: one A4 page with the page's address in full and as a
QR code (``lib/posters.py``). ``poster_html`` is also what the tests read."""

from __future__ import annotations

from schoolkeep.inforequests.intake.services import offers_public_information
from schoolkeep.lib import posters
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.lib.posters import qr_svg_data_uri as qr_svg_data_uri
from schoolkeep.lib.posters import qr_svg_inline as qr_svg_inline
from schoolkeep.tenancy.models import School

POSTER_HEADLINE = "Want to see the information we hold about you or your child? Ask us here."

POSTER_CSS = posters.BASE_CSS + """
h1 { font-size: 26pt; margin: 0 0 6mm; }
.poster-list { font-size: 13pt; text-align: left; margin: 0 auto 6mm; max-width: 150mm; }
.poster-qr { display: block; width: 80mm; height: 80mm; margin: 0 auto 6mm; }
"""


def poster_html(*, school: School, url: str) -> str:
    return posters.poster_html("inforequests/intake/poster.html", school=school,
                               headline=POSTER_HEADLINE, url=url,
                               offers_foi=offers_public_information(school))


def poster_pdf(*, school: School, url: str) -> bytes:
    return pdf_from_html(poster_html(school=school, url=url), POSTER_CSS)
