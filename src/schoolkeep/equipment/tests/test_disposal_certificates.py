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


# A serial matches whole tokens only (one or several), never part of a token.


def test_a_serial_inside_a_longer_token_is_not_matched() -> None:
    found = match_serials("Destroyed: ABC12345 and 5CD1234ABCX", ["ABC1234", "5CD1234ABC"])
    assert found.found == set()
    # The longer tokens are reported as not in the batch, the batch's serials are not.
    assert found.unknown == ["ABC12345", "5CD1234ABCX"]


def test_a_serial_is_not_read_from_a_date() -> None:
    found = match_serials("Collected 2026-12-01 by the van", ["2026120", "20261201X"])
    assert found.found == set()


def test_a_serial_must_end_at_a_tokens_end_even_across_tokens() -> None:
    # "5CD12" + "34ABCD": the serial 5CD1234ABC would end inside the second token.
    assert match_serials("5CD12 34ABCD", ["5CD1234ABC"]).found == set()
    # Starting inside a token is refused too.
    assert match_serials("X5CD12 34ABC", ["5CD1234ABC"]).found == set()


def test_serials_split_over_whole_tokens_still_match() -> None:
    text = "Drives: 5CD 1234\nABC, WD-12-34-XYZ9 and ABC1234 ABC12345"
    found = match_serials(text, ["5CD1234ABC", "WD1234XYZ9", "ABC1234", "ABC12345"])
    assert found.found == {"5CD1234ABC", "WD1234XYZ9", "ABC1234", "ABC12345"}


def hostile_pdf(stream_bytes: int) -> bytes:
    """A one-page PDF whose content stream is ``stream_bytes`` long (a lot of drawing)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    stream = StreamObject()
    stream.set_data(b"0 0 m 1 1 l S\n" * (stream_bytes // 14 + 1))
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_page_with_a_huge_content_stream_is_skipped_quickly() -> None:
    import time

    data = hostile_pdf(6 * 1024 * 1024)
    started = time.monotonic()
    reading = certificates.read(data)
    assert time.monotonic() - started < 5
    assert reading.text is None and reading.unreadable_pages == 1
    assert read_text(data) is None


def test_a_page_running_out_of_time_is_counted_unreadable() -> None:
    data = certificate_pdf(["Serial: 5CD1234ABC"])
    reading = certificates.read(data, max_seconds=-1.0)
    assert reading.text is None
    small = certificates.read(data, max_page_bytes=10)
    assert small.text is None and small.unreadable_pages == 1
    assert certificates.read(data).unreadable_pages == 0
