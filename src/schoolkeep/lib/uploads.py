"""Checking uploaded files by their content, never by their name or the browser's word.

``sniff`` reads the first bytes (the "magic numbers" each format starts with);
``check_upload`` applies a size limit and a set of allowed types and names the form field
at fault in its DomainError. ``open_zip`` opens an uploaded zip (a DOCX or ODT document)
only when its directory promises a bounded amount of work, and ``zip_member_start`` reads
a bounded start of one member. ``stored_until_failure`` keeps accepted files under
``settings.UPLOADS_DIR`` (random names, readable by this process only) and removes them
again when the database write they belong to fails.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

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


# Active content: what a browser would run or render as a page


# Names whose type a browser renders as a page or runs (HTML, XHTML, SVG, XML, scripts).
ACTIVE_EXTENSIONS = frozenset({
    ".htm", ".html", ".shtml", ".xht", ".xhtml", ".mht", ".mhtml", ".svg", ".svgz", ".xml",
    ".xsl", ".xslt", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".vbs", ".hta", ".swf", ".php",
})
# Markup at the start of a file (after a byte order mark and blank space) makes it a page
# to a browser that sniffs, whatever its name: HTML, XML (and so XHTML and SVG), comments.
_MARKUP_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:[a-z!?/])", re.IGNORECASE)
# Tags that make any text a page or a script wherever they appear in it.
_ACTIVE_TAG = re.compile(
    rb"<\s*(?:script|iframe|frame|object|embed|svg|html|body|meta)\b"
    rb"|<!doctype|<\?xml", re.IGNORECASE)


def is_active_content(data: bytes, *, name: str = "") -> bool:
    """True when a browser would render ``data`` as a page, or run it: markup (HTML, XHTML,
    SVG, XML) at its start or active tags anywhere, or a name of such a type (a script,
    for instance, is plain text to us but a program to a browser)."""
    suffix = os.path.splitext(str(name or "").strip().lower())[1]
    if suffix in ACTIVE_EXTENSIONS:
        return True
    return bool(_MARKUP_START.match(data) or _ACTIVE_TAG.search(data))


# Zip files (DOCX, ODT): a few kilobytes may unpack to gigabytes


# A Word or OpenDocument file has tens of parts (a few hundred with many images) and unpacks
# to a few times its size; an upload is at most 10 MB.
ZIP_MAX_MEMBERS = 5_000
ZIP_MAX_UNPACKED = 100 * 1024 * 1024
# Members stored or deflated only: what documents use, and what zipfile unpacks a little at
# a time (it unpacks a bzip2 or LZMA chunk whole, however large it grows).
_ZIP_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
ZIP_DAMAGED = "The file is damaged: it cannot be opened."
ZIP_TOO_LARGE = ("The file is too large once unpacked ({detail}) to be a document. Save it "
                 "again from your word processor, or save it as a PDF, and upload that.")


@contextmanager
def open_zip(data: bytes, *, field: str = "file") -> Iterator[zipfile.ZipFile]:
    """The zip file ``data``, opened only when its directory (read without unpacking
    anything) lists at most ZIP_MAX_MEMBERS members, ZIP_MAX_UNPACKED bytes once unpacked in
    all, and no method but stored or deflated; a DomainError on ``field`` otherwise, or
    when it is damaged."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
        raise DomainError(ZIP_DAMAGED, field=field) from None
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MAX_MEMBERS:
            raise DomainError(ZIP_TOO_LARGE.format(
                detail=f"{len(members):,} parts, more than {ZIP_MAX_MEMBERS:,}"), field=field)
        unpacked = sum(info.file_size for info in members)
        if unpacked > ZIP_MAX_UNPACKED:
            raise DomainError(ZIP_TOO_LARGE.format(
                detail=f"{_megabytes(unpacked)}, more than {_megabytes(ZIP_MAX_UNPACKED)}"),
                field=field)
        if any(info.compress_type not in _ZIP_METHODS for info in members):
            raise DomainError(ZIP_DAMAGED, field=field)
        yield archive


def zip_member_start(archive: zipfile.ZipFile, name: str, limit: int, *,
                     field: str = "file") -> bytes:
    """At most ``limit`` bytes from the start of member ``name`` (b"" when there is none),
    unpacking no more than that: ``archive.read`` would unpack the whole member first."""
    try:
        with archive.open(name) as member:
            return member.read(limit)
    except KeyError:
        return b""
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
        raise DomainError(ZIP_DAMAGED, field=field) from None


# Storing accepted files


@dataclass(frozen=True)
class StoredFile:
    path: Path
    sha256: str  # of the content, hex

    @property
    def name(self) -> str:
        """The random name the file is stored under (what a row records)."""
        return self.path.name


def original_name(uploaded_file: Any, *, fallback: str) -> str:
    """The upload's file name as the user's computer gave it, to show back: no folders, no
    control characters, at most 200 characters; ``fallback`` when nothing is left."""
    base = os.path.basename(str(getattr(uploaded_file, "name", "") or "").replace("\\", "/"))
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    return base[-200:] or fallback


def uploads_dir(folder: str) -> Path:
    """A folder under ``settings.UPLOADS_DIR`` (never the web root)."""
    return Path(settings.UPLOADS_DIR) / folder


def store_upload(data: bytes, *, folder: str, suffix: str) -> StoredFile:
    """Write ``data`` to a new random name in ``uploads_dir(folder)``, readable by this user
    only (mode 0600; a new folder 0700). Nothing is left behind if the write fails."""
    directory = uploads_dir(folder)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"{secrets.token_hex(16)}{suffix}"
    # O_EXCL: never write through a file (or link) that is already there
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StoredFile(path=path, sha256=hashlib.sha256(data).hexdigest())


@dataclass
class PendingFiles:
    """The files stored inside a ``stored_until_failure`` block."""
    stored: list[StoredFile] = field(default_factory=list)

    def store(self, data: bytes, *, folder: str, suffix: str) -> StoredFile:
        stored = store_upload(data, folder=folder, suffix=suffix)
        self.stored.append(stored)
        return stored


@contextmanager
def stored_until_failure() -> Iterator[PendingFiles]:
    """Files stored through the block's ``PendingFiles`` are removed if the block raises, so
    a database write that fails (or rolls back: wrap the whole transaction) keeps no file
    that no row names."""
    pending = PendingFiles()
    try:
        yield pending
    except BaseException:
        for stored in pending.stored:
            stored.path.unlink(missing_ok=True)
        raise
