"""The printed signing letters: one A4 page per signer, with their personal link in full
and as a QR code (segno, as a ``data:`` SVG image, the only kind of URL the PDF maker
fetches). ``letters_html`` is also what the tests read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import segno
from django.template.loader import render_to_string

from schoolkeep.agreements.aups.models import Aup


@dataclass(frozen=True)
class Letter:
    name: str  # the signer's own name: the only person named on their page
    url: str
    qr_data_uri: str

    @classmethod
    def make(cls, *, name: str, url: str) -> Letter:
        return cls(name=name, url=url, qr_data_uri=qr_data_uri(url))


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG ``data:`` URI (medium error correction, so a
    slightly creased letter still scans)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=4))


def letters_html(*, aup: Aup, letters: Sequence[Letter], printed_on: date,
                 expires_on: date) -> str:
    return render_to_string("agreements/letters/letters.html", {
        "school_name": aup.school.name, "title": aup.title, "letters": letters,
        "printed_on": printed_on, "expires_on": expires_on})


def letters_css() -> str:
    return render_to_string("agreements/letters/letters.css")
