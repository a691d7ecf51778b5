"""Files of people uploaded through the import page (stored by schoolkeep.lib.import_uploads:
under the data directory with random names, removed after a day if not imported)."""

from __future__ import annotations

from typing import Any

from schoolkeep.lib import import_uploads
from schoolkeep.lib.import_uploads import (
    upload_claim,
    upload_delete,
    upload_path,
    uploads_clean_up,
)

MAX_BYTES = 10 * 1024 * 1024
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}

__all__ = ["EXTENSIONS", "MAX_BYTES", "upload_claim", "upload_delete", "upload_path",
           "upload_save", "uploads_clean_up"]


def upload_save(uploaded_file: Any) -> tuple[str, str]:
    """Store an uploaded file of people and return (stored name, "csv" or "xlsx"). Raises
    ImportFileError (and keeps nothing) when its name or content is not CSV or XLSX."""
    return import_uploads.upload_save(
        uploaded_file, extensions=EXTENSIONS, max_bytes=MAX_BYTES,
        choose="Choose a CSV or XLSX file (its name ends .csv or .xlsx).")
