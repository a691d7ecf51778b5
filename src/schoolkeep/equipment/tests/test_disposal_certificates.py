"""Reading serial numbers from a certificate of secure deletion: serials split across
spaces, hyphens and lines still match; tokens that look like serials and are not in the
batch are reported; short keys and ordinary words are not; reading is bounded and never
raises for a bad file."""

from __future__ import annotations

from schoolkeep.equipment.disposals import certificates
from schoolkeep.equipment.disposals.certificates import match_serials, read_text
from schoolkeep.equipment.tests.test_disposal_helpers import certificate_pdf


def test_serials_split_by_spaces_hyphens_and_lines_match() -> None:
    text = "Drive 1: 5CD-1234 ABC\nDrive 2: WD12\n34XYZ9\nDrive 3: s/n 9f8e7d6c"
    found = match_serials(text, ["5CD1234ABC", "WD1234XYZ9", "9F8E7D6C", "NOTHERE123"])
    assert found.found == {"5CD1234ABC", "WD1234XYZ9", "9F8E7D6C"}
    # The pieces of a split serial are not reported as serials of their own.
    assert found.unknown == []


def test_serial_like_tokens_not_in_the_batch_are_reported_once() -> None:
    text = ("Certificate CBDU900142. Destroyed: 5CD1234ABC, ZZ99887766, ZZ99887766, "
            "WX-4455-QQ. Date 2026-03-01, 12 drives, ISO 27001, phone 01234 567890.")
    found = match_serials(text, ["5CD1234ABC"], ignore=["CBDU 900142"])
    assert found.found == {"5CD1234ABC"}
    assert found.unknown == ["ZZ99887766", "WX4455QQ"]
    assert found.serials == ["5CD1234ABC", "ZZ99887766", "WX4455QQ"]


def test_a_short_serial_is_never_matched_from_text() -> None:
    assert match_serials("Serial AB12 destroyed", ["AB12"]).found == set()


def test_text_read_from_a_pdf_matches_a_batch() -> None:
    text = read_text(certificate_pdf(["Serial: 5CD1234ABC", "Serial: 5CD 5678 DEF"]))
    assert text is not None
    assert match_serials(text, ["5CD1234ABC", "5CD5678DEF"]).found == {"5CD1234ABC",
                                                                      "5CD5678DEF"}


def test_bad_files_read_as_no_text() -> None:
    assert read_text(b"%PDF-1.7\nnot really a pdf") is None
    assert read_text(b"") is None
    assert read_text(b"\x00" * 100) is None


def test_reading_stops_at_the_page_and_character_bounds() -> None:
    data = certificate_pdf([f"Serial SN{n:08d}" for n in range(400)])
    whole = read_text(data)
    assert whole is not None and "SN00000399" in whole
    short = read_text(data, max_chars=200)
    assert short is not None and len(short) <= 200
    assert read_text(data, max_pages=0) is None


def test_the_bounds_are_set() -> None:
    assert certificates.MAX_PAGES > 0 and certificates.MAX_CHARS > 0
    assert 0 < certificates.MAX_SECONDS <= 30
