"""The printable "report a concern" poster: one A4 page with the page's address in full and
as a QR code (``lib/posters.py``). ``poster_html`` is also what the tests read."""

from __future__ import annotations

from schoolkeep.lib import posters
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.lib.posters import qr_svg_data_uri as qr_svg_data_uri
from schoolkeep.lib.posters import qr_svg_inline as qr_svg_inline
from schoolkeep.tenancy.models import School

POSTER_HEADLINE = ("Worried that personal data has been lost, sent to the wrong person or seen "
                   "by someone who should not? Tell us.")

POSTER_CSS = posters.BASE_CSS + """
h1 { font-size: 28pt; margin: 0 0 8mm; }
.poster-qr { display: block; width: 90mm; height: 90mm; margin: 0 auto 6mm; }
"""


def poster_html(*, school: School, url: str) -> str:
    return posters.poster_html("incidents/concern_poster.html", school=school,
                               headline=POSTER_HEADLINE, url=url)


def poster_pdf(*, school: School, url: str) -> bytes:
    return pdf_from_html(poster_html(school=school, url=url), POSTER_CSS)
