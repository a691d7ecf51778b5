"""Files uploaded through an import page: kept under the data directory (never the web root)
with random names until they are imported, and removed after a day if they are not.

Shared by the imports of people, parents and information assets; each says which file names
it accepts and what content each name must have (``spreadsheet_save``: the CSV or XLSX files
of people and of parents).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings

from schoolkeep.lib.tabular import ImportFileError, detect_format, text_encoding

KEEP_SECONDS = 24 * 60 * 60
SPREADSHEET_MAX_BYTES = 10 * 1024 * 1024
SPREADSHEET_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}
_NAME_LENGTH = 32  # token_hex(16)


def imports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def upload_path(stored_name: str) -> Path | None:
    """The path of a stored upload, or None when the name is not one of ours or it is gone."""
    if len(stored_name) != _NAME_LENGTH or not all(c in "0123456789abcdef" for c in stored_name):
        return None
    path = imports_dir() / stored_name
    return path if path.is_file() else None


def upload_save(uploaded_file: Any, *, extensions: Mapping[str, str], max_bytes: int,
                choose: str, text_label: str = "CSV text") -> tuple[str, str]:
    """Store an uploaded file and return (stored name, "csv" or "xlsx").

    ``extensions`` maps each accepted name ending (".csv") to the content it must have
    ("csv": text; "xlsx": a workbook); ``choose`` is the message for any other name. The
    content decides: a workbook must be a zip holding ``[Content_Types].xml`` and text must
    decode as UTF-8 or Windows-1252; the file's name must agree with its content. Raises
    ImportFileError (and keeps nothing) otherwise.
    """
    name = str(getattr(uploaded_file, "name", "") or "")
    suffix = Path(name).suffix.lower()
    expected = extensions.get(suffix)
    if expected is None:
        raise ImportFileError(choose)
    size = getattr(uploaded_file, "size", 0) or 0
    if size > max_bytes:
        raise ImportFileError(f"The file must be smaller than {max_bytes // (1024 * 1024)} MB.")
    uploads_clean_up()
    stored = secrets.token_hex(16)
    path = imports_dir() / stored
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in uploaded_file.chunks():
                handle.write(chunk)
        found = detect_format(path, text_label=text_label)
        if found != expected:
            raise ImportFileError(
                f"The file is named {suffix} but is not an Excel workbook." if expected == "xlsx"
                else f"The file is named {suffix} but is not {text_label} (it is an Excel "
                     "workbook: name it .xlsx).")
        if found == "csv":
            text_encoding(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return stored, found


def spreadsheet_save(uploaded_file: Any) -> tuple[str, str]:
    """Store an uploaded CSV or XLSX file of rows and return (stored name, "csv" or "xlsx").
    Raises ImportFileError (and keeps nothing) when its name or content is neither."""
    return upload_save(uploaded_file, extensions=SPREADSHEET_EXTENSIONS,
                       max_bytes=SPREADSHEET_MAX_BYTES,
                       choose="Choose a CSV or XLSX file (its name ends .csv or .xlsx).")


def upload_delete(stored_name: str) -> None:
    path = upload_path(stored_name)
    if path is not None:
        path.unlink(missing_ok=True)


def upload_claim(stored_name: str) -> str | None:
    """Take an upload for importing, once: it is renamed, so a second claim finds nothing.
    Returns the new stored name, or None when it was already claimed or is gone."""
    path = upload_path(stored_name)
    if path is None:
        return None
    claimed = secrets.token_hex(16)
    try:
        os.rename(path, imports_dir() / claimed)
    except FileNotFoundError:
        return None
    return claimed


def uploads_clean_up(now: float | None = None) -> int:
    """Remove uploads older than a day (never imported). Returns how many went."""
    cutoff = (now or time.time()) - KEEP_SECONDS
    removed = 0
    for path in imports_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
