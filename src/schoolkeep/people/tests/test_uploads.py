"""Uploads are checked by their content, not their name."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.uploads import JPEG, PDF, PNG, check_upload, sniff

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
ALLOWED = {PDF, PNG, JPEG}


@pytest.mark.parametrize(("data", "expected"), [
    (PDF_BYTES, PDF), (PNG_BYTES, PNG), (JPEG_BYTES, JPEG),
    (b"Hello, this is text", None), (b"", None), (b"GIF89a....", None),
    (b" %PDF-1.7", None), (b"PK\x03\x04zip", None),
])
def test_sniff_reads_magic_bytes(data: bytes, expected: str | None) -> None:
    assert sniff(data) == expected


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("certificate.pdf", PDF_BYTES, PDF),
    ("scan.png", PNG_BYTES, PNG),
    ("photo.jpg", JPEG_BYTES, JPEG),
    ("photo-with-wrong-name.txt", JPEG_BYTES, JPEG),
])
def test_accepts_pdf_png_and_jpeg_by_content(name: str, data: bytes, expected: str) -> None:
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    assert check_upload(upload, allowed=ALLOWED, max_bytes=1024) == expected
    assert upload.read() == data  # left at the start for whoever stores it


def test_a_pdf_that_is_really_text_is_refused() -> None:
    upload = SimpleUploadedFile("certificate.pdf", b"I am not a PDF at all",
                                content_type="application/pdf")
    with pytest.raises(DomainError) as caught:
        check_upload(upload, allowed=ALLOWED, max_bytes=1024)
    assert caught.value.field == "file"
    assert caught.value.message == "The file must be a PDF, PNG or JPEG."


def test_html_named_as_image_is_refused() -> None:
    upload = SimpleUploadedFile("scan.png", b"<html><script>alert(1)</script></html>",
                                content_type="image/png")
    with pytest.raises(DomainError, match="must be a PDF, PNG or JPEG"):
        check_upload(upload, allowed=ALLOWED, max_bytes=1024)


def test_a_type_not_allowed_here_is_refused() -> None:
    upload = SimpleUploadedFile("scan.png", PNG_BYTES)
    with pytest.raises(DomainError) as caught:
        check_upload(upload, allowed={PDF}, max_bytes=1024, field="document")
    assert caught.value.field == "document"
    assert caught.value.message == "The file must be a PDF."


def test_too_large_and_empty_files_are_refused() -> None:
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"x" * 2048)
    with pytest.raises(DomainError, match="smaller than"):
        check_upload(big, allowed=ALLOWED, max_bytes=1024)
    empty = SimpleUploadedFile("empty.pdf", b"")
    with pytest.raises(DomainError, match="empty"):
        check_upload(empty, allowed=ALLOWED, max_bytes=1024)
    with pytest.raises(DomainError, match="Choose a file"):
        check_upload(None, allowed=ALLOWED, max_bytes=1024)
