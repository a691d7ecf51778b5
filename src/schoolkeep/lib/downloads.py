"""Every file Schoolkeep hands to a browser goes out through ``download_response``.

A file's name and type come from what its content is, never from what an uploader called it:
a PDF uploaded as ``x.html`` downloads as ``x.pdf`` with ``application/pdf`` (uploads are
typed by their content when they arrive: ``lib/uploads.py``). Only the stem of a name chosen
by a person is kept; the extension is always the one of the content's type. A type we do not
know goes out as ``application/octet-stream`` (``.bin``), which no browser runs. Every
response says ``nosniff`` and, unless it is one of the few types a browser shows safely
(PDF, images, calendars), ``attachment``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any, overload

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from schoolkeep.lib import uploads
from schoolkeep.lib.uploads import JPEG, PDF, PNG

TEXT = "text/plain"
CSV = "text/csv"
CALENDAR = "text/calendar"
ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
UNKNOWN = "application/octet-stream"

# The types uploads accept (PDF, PNG, JPEG) keep the extensions they are stored with.
EXTENSIONS = {**uploads.EXTENSIONS, TEXT: ".txt", CSV: ".csv", CALENDAR: ".ics", ZIP: ".zip",
              XLSX: ".xlsx", DOCX: ".docx", ODT: ".odt", UNKNOWN: ".bin"}
# Text goes out as UTF-8, said so, so that no browser guesses another encoding.
CHARSET_TYPES = {TEXT, CSV, CALENDAR}
# Types a browser may show in the page without running anything.
INLINE_TYPES = {PDF, PNG, JPEG, CALENDAR}

_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
NAME_MAX = 120


def known_type(content_type: str) -> str:
    """The bare type (no parameters) when we know it; ``UNKNOWN`` otherwise."""
    bare = content_type.split(";", 1)[0].strip().lower()
    return bare if bare in EXTENSIONS else UNKNOWN


def download_name(name: str, content_type: str, *, fallback: str = "download") -> str:
    """``name``'s stem (no folders, no characters a file system or header would trip on)
    with the extension of ``content_type``: ``("x.html", "application/pdf")`` → ``x.pdf``."""
    base = PurePosixPath(str(name or "").replace("\\", "/")).name
    stem = PurePosixPath(base).stem if "." in base.lstrip(".") else base
    stem = _UNSAFE_IN_NAME.sub(" ", stem).strip(" .")[:NAME_MAX].strip(" .")
    return f"{stem or fallback}{EXTENSIONS[known_type(content_type)]}"


@overload
def download_response(content: bytes, *, name: str, content_type: str, inline: bool = ...,
                      fallback: str = ...) -> HttpResponse: ...


@overload
def download_response(content: Any, *, name: str, content_type: str, inline: bool = ...,
                      fallback: str = ...) -> HttpResponseBase: ...


def download_response(content: bytes | Any | Iterable[str], *, name: str,
                      content_type: str, inline: bool = False,
                      fallback: str = "download") -> HttpResponseBase:
    """A response carrying ``content`` (bytes, an open binary file, or an iterable of text
    to stream) named after its type (see ``download_name``). ``inline`` asks the browser to
    show it rather than save it; it is honoured only for ``INLINE_TYPES``."""
    kind = known_type(content_type)
    header_type = f"{kind}; charset=utf-8" if kind in CHARSET_TYPES else kind
    response: HttpResponseBase
    if isinstance(content, (bytes, bytearray)):
        response = HttpResponse(bytes(content), content_type=header_type)
    elif hasattr(content, "read"):
        response = FileResponse(content, content_type=header_type)
    else:
        response = StreamingHttpResponse(content, content_type=header_type)
    filename = download_name(name, kind, fallback=fallback)
    as_attachment = not (inline and kind in INLINE_TYPES)
    response["Content-Disposition"] = (content_disposition_header(as_attachment, filename)
                                       or "attachment")
    response["X-Content-Type-Options"] = "nosniff"
    return response
