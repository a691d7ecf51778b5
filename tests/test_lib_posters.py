"""lib.posters: the QR codes and the page every public page's poster is built from."""

from __future__ import annotations

import pytest

from schoolkeep.lib import posters
from tests.personas import Personas

URL = "https://school.example/ask/abc/"


def test_the_qr_codes_are_svg_and_the_inline_one_has_no_size_or_declaration() -> None:
    assert posters.qr_svg_data_uri(URL).startswith("data:image/svg+xml")
    inline = posters.qr_svg_inline(URL)
    assert inline.startswith("<svg") and "<?xml" not in inline
    assert "viewBox" in inline and 'width="' not in inline.split(">", 1)[0]
    assert "QR code of the page" in inline


@pytest.mark.django_db
def test_poster_html_gives_the_template_the_school_headline_address_qr_and_extra(
        personas: Personas) -> None:
    html = posters.poster_html("inforequests/intake/poster.html", school=personas.school,
                               headline="Ask us here.", url=URL, offers_foi=False)
    assert personas.school.name in html and "Ask us here." in html
    assert f'<p class="poster-url">{URL}</p>' in html
    assert f'src="{posters.qr_svg_data_uri(URL)}"' in html
