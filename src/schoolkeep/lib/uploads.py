"""Checking uploaded files by their content, never by their name or the browser's word.

``sniff`` reads the first bytes (the "magic numbers" each format starts with);
``check_upload`` applies a size limit and a set of allowed types and names the form field
at fault in its DomainError.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.lib.errors import DomainError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"

# What each type's files start with. A PDF may have a few bytes of junk before its header
# (readers accept up to 1024); we accept only a header at the start, as real PDFs have.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
]

EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}
LABELS = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG"}

SNIFF_BYTES = 16


def sniff(data: bytes) -> str | None:
    """The content type that ``data`` starts like, or None when it is none we know."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def _allowed_label(allowed: set[str]) -> str:
    labels = [LABELS.get(t, t) for t in (PDF, PNG, JPEG) if t in allowed]
    labels += sorted(LABELS.get(t, t) for t in allowed if t not in LABELS)
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def check_upload(uploaded_file: Any, *, allowed: set[str], max_bytes: int,
                 field: str = "file") -> str:
    """The content type of an upload, from its content. Raises DomainError(field=...) when the
    file is missing, empty, too large, or not one of ``allowed``."""
    if uploaded_file is None:
        raise DomainError("Choose a file to upload.", field=field)
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise DomainError(f"The file must be smaller than {_megabytes(max_bytes)}.", field=field)
    if size == 0:
        raise DomainError("The file is empty.", field=field)
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    uploaded_file.seek(0)
    if not head:
        raise DomainError("The file is empty.", field=field)
    content_type = sniff(head)
    if content_type is None or content_type not in allowed:
        raise DomainError(f"The file must be a {_allowed_label(allowed)}.", field=field)
    return content_type
