"""Reading a certificate of secure deletion: its text, and the serial numbers it names.

``read_text`` takes a PDF's bytes and returns its text, or None when it has none to read: a
scan (pages of pictures), an encrypted file, or one pypdf cannot open. Reading is bounded:
at most ``MAX_PAGES`` pages, ``MAX_CHARS`` characters, and ``MAX_SECONDS`` of work (checked
between pages and inside a page's extraction); a page whose content stream is over
``MAX_PAGE_BYTES`` is skipped and counted as unreadable (``read``), so a hostile file costs
little and never raises.

``match_serials`` compares the text with a batch's serial keys (``equipment.keys``): the
text is cut into tokens, each flattened to its letters and digits, upper case; a serial
matches one or several WHOLE consecutive tokens, so "5CD-1234 ABC" or a serial broken
across two lines still reads as "5CD1234ABC", but "ABC1234" is not found inside
"ABC12345" and "2026120" not inside "2026-12-01". A serial key shorter than
``MIN_KEY`` characters is never matched from text (too likely to appear by chance inside
other text): such an item is matched by hand. Tokens that look like serial numbers (letters
and digits, with a digit, at least ``MIN_TOKEN`` characters once flattened) and are not
part of a batch serial found in the text are reported as "on the certificate, not in the
batch".
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from schoolkeep.equipment.keys import serial_key

MAX_PAGES = 100
MAX_CHARS = 500_000
MAX_SECONDS = 10.0
MAX_PAGE_BYTES = 5 * 1024 * 1024  # a page's content stream over this is skipped
MIN_KEY = 5  # a serial key shorter than this is matched by hand
MIN_TOKEN = 6  # a token shorter than this (flattened) is not taken for a serial
MIN_DIGITS_ONLY = 10  # a token of digits alone must be this long (not a date or a count)
MAX_LISTED = 200  # serial-like tokens kept from one certificate

# A token: letters, digits and hyphens or slashes between them (as on a certificate's table).
_TOKEN = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z]|[-/.](?=[0-9A-Za-z]))*")

logger = logging.getLogger(__name__)


class _TooSlow(Exception):
    """Raised from inside a page's extraction when the reading's time is up."""


@dataclass(frozen=True)
class Reading:
    """A PDF's text (None: none to read) and how many pages were skipped as unreadable
    (a content stream over ``MAX_PAGE_BYTES``, or a page whose reading ran out of time)."""

    text: str | None
    unreadable_pages: int = 0


def _content_size(page: Any, limit: int) -> int:
    """The size of the page's content streams, counting no further than past ``limit``:
    a stream whose stored (encoded) data already exceeds it is not decoded."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = list(contents) if isinstance(contents, list) else [contents]
    total = 0
    for stream in streams:
        stream = stream.get_object()
        raw = getattr(stream, "_data", b"") or b""
        if total + len(raw) > limit:
            return total + len(raw)
        total += len(stream.get_data())
        if total > limit:
            return total
    return total


def read(data: bytes, *, max_pages: int = MAX_PAGES, max_chars: int = MAX_CHARS,
         max_seconds: float = MAX_SECONDS, max_page_bytes: int = MAX_PAGE_BYTES) -> Reading:
    """The PDF's text (bounded) and the count of pages skipped as unreadable. Never raises
    for a bad file: a scan, an encrypted or a broken file reads as no text."""
    parts: list[str] = []
    skipped = 0
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return Reading(None)
        started = time.monotonic()

        def check_time(*_args: Any) -> None:
            if time.monotonic() - started > max_seconds:
                raise _TooSlow

        size = 0
        for number, page in enumerate(reader.pages):
            if number >= max_pages or size >= max_chars:
                break
            if time.monotonic() - started > max_seconds:
                break
            try:
                if _content_size(page, max_page_bytes) > max_page_bytes:
                    skipped += 1
                    continue
                text = page.extract_text(visitor_operand_before=check_time) or ""
            except _TooSlow:
                skipped += 1
                break
            parts.append(text[: max_chars - size])
            size += len(parts[-1])
    except Exception:
        logger.info("A certificate's text could not be read.", exc_info=True)
        if not parts:
            return Reading(None, skipped)
    text = "\n".join(parts)
    return Reading(text if text.strip() else None, skipped)


def read_text(data: bytes, *, max_pages: int = MAX_PAGES, max_chars: int = MAX_CHARS,
              max_seconds: float = MAX_SECONDS) -> str | None:
    """The PDF's text (bounded), or None when it has none: a scan, an encrypted or a broken
    file. Never raises for a bad file."""
    return read(data, max_pages=max_pages, max_chars=max_chars, max_seconds=max_seconds).text


def page_count(data: bytes) -> int | None:
    """How many pages the PDF has, or None when it cannot be opened (encrypted, broken)."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return None
        return len(reader.pages)
    except Exception:
        return None


@dataclass
class Matches:
    """What a certificate's text says about a batch."""

    found: set[str] = field(default_factory=set)  # batch serial keys named on it
    unknown: list[str] = field(default_factory=list)  # serial-like tokens not in the batch

    @property
    def serials(self) -> list[str]:
        """Every serial key read from the certificate: the batch's found, then the others."""
        return sorted(self.found) + self.unknown


def _looks_like_serial(key: str) -> bool:
    if len(key) < MIN_TOKEN or not any(c.isdigit() for c in key):
        return False
    return any(c.isalpha() for c in key) or len(key) >= MIN_DIGITS_ONLY


def match_serials(text: str, batch_keys: Iterable[str], *,
                  ignore: Iterable[str] = ()) -> Matches:
    """Which of ``batch_keys`` the text names (wherever spaces, hyphens or line breaks fall
    inside them), and the serial-like tokens it names besides (``ignore``: keys such as the
    company's registration numbers, never reported)."""
    spans: list[tuple[int, int, str]] = []  # each token's place in the flattened text
    flat_parts: list[str] = []
    position = 0
    for found in _TOKEN.finditer(text):
        key = serial_key(found.group())
        if not key:
            continue
        spans.append((position, position + len(key), key))
        flat_parts.append(key)
        position += len(key)
    flat = "".join(flat_parts)
    result = Matches()
    covered: list[tuple[int, int]] = []
    starts = {start for start, _end, _key in spans}
    ends = {end for _start, end, _key in spans}
    for key in {k for k in batch_keys if len(k) >= MIN_KEY}:
        start = flat.find(key)
        while start >= 0:
            # Only whole tokens: the match begins at a token's start, ends at a token's end.
            if start in starts and start + len(key) in ends:
                result.found.add(key)
                covered.append((start, start + len(key)))
            start = flat.find(key, start + 1)
    ignored = {serial_key(k) for k in ignore if k}
    seen: set[str] = set()
    for start, end, key in spans:
        if key in seen or key in ignored or not _looks_like_serial(key):
            continue
        if any(start < c_end and c_start < end for c_start, c_end in covered):
            continue
        seen.add(key)
        result.unknown.append(key)
        if len(result.unknown) >= MAX_LISTED:
            break
    return result
