"""What the incident exports share: their audit labels, file types and the way a moment or a
yes/no is written. The draft ICO report is in ``ico``, the breach log in ``log``.

Neither module's name starts with "services", so the app's start-up does not register their
audit labels: they are registered here, when the exports are first imported (the URL conf
imports them through ``exports.views``).
"""

from __future__ import annotations

from datetime import datetime

from schoolkeep.audit.actions import register_action_labels
from schoolkeep.incidents.clock import in_london

ACTION_LABELS = {
    "incidents.ico_report.downloaded": "Draft ICO report of a breach downloaded",
    "incidents.breach_log.exported": "Breach log exported",
}
register_action_labels(ACTION_LABELS)

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV_TYPE = "text/csv; charset=utf-8"
ZIP_TYPE = "application/zip"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def london_text(moment: datetime | None) -> str:
    """"14 March 2026, 09:30" in Europe/London time ("" for no moment)."""
    if moment is None:
        return ""
    local = in_london(moment)
    return f"{local.day} {local:%B %Y, %H:%M}"


def yes_no(value: bool | None, *, unknown: str = "Not known") -> str:
    if value is None:
        return unknown
    return "Yes" if value else "No"
