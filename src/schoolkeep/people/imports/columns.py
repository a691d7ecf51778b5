"""The headings of an import file: one column per person field and per check field."""

from __future__ import annotations

from dataclasses import dataclass

from schoolkeep.lib.tabular import heading_key
from schoolkeep.people.models import CheckType, PersonKind


@dataclass(frozen=True)
class Column:
    heading: str
    field: str  # the Person or Check field it fills ("sites" for the sites)
    parser: str  # how a cell is read: see _parse_cell
    check_type: str = ""  # empty for a person's own columns
    max_length: int = 0
    accepts: str = ""  # what may go in it, in plain English (docs and the template)


YES_NO = "yes or no (also y/n, true/false, 1/0); blank: not given"
DATE = "a date: 03/09/2024, 3/9/2024, 3 September 2024 or 2024-09-03"

PERSON_COLUMNS: tuple[Column, ...] = (
    Column("Full name", "full_name", "name", max_length=200,
           accepts="the person's full name (every row needs it)"),
    Column("Preferred name", "preferred_name", "text", max_length=200,
           accepts="the name they go by, if different"),
    Column("Date of birth", "date_of_birth", "date", accepts=DATE),
    Column("Kind", "kind", "kind",
           accepts="one of: " + "; ".join(f"{value} ({label})"
                                          for value, label in PersonKind.choices)),
    Column("Job title", "job_title", "text", max_length=200, accepts="text"),
    Column("Management post", "is_management_post", "bool", accepts=YES_NO),
    Column("Teaching work", "does_teaching_work", "bool", accepts=YES_NO),
    Column("Post needs qualifications", "post_needs_qualifications", "bool", accepts=YES_NO),
    Column("Lived or worked abroad", "lived_or_worked_abroad", "bool", accepts=YES_NO),
    Column("Childcare disqualification applies", "childcare_disqualification_applies", "bool",
           accepts=YES_NO),
    Column("Sites", "sites", "sites",
           accepts="names of the school's sites, separated by semicolons"),
    Column("Start date", "start_date", "date", accepts=DATE),
    Column("Leaving date", "leaving_date", "date", accepts=DATE),
    Column("Email", "email", "email", max_length=254, accepts="an e-mail address"),
    Column("Staff number", "staff_number", "staff_number", max_length=50,
           accepts="the school's staff number (unique in the school)"),
)

# The prefix of each check's headings: "<prefix> status", "<prefix> date", ...
CHECK_PREFIXES: dict[str, str] = {
    CheckType.IDENTITY: "Identity",
    CheckType.RIGHT_TO_WORK: "Right to work",
    CheckType.QUALIFICATIONS: "Qualifications",
    CheckType.ENHANCED_DBS: "DBS",
    CheckType.BARRED_LIST: "Barred list check",
    CheckType.PROHIBITION: "Prohibition check",
    CheckType.SECTION_128: "Section 128 check",
    CheckType.OVERSEAS: "Overseas checks",
    CheckType.CHILDCARE: "Childcare disqualification check",
    CheckType.AGENCY_CONFIRMATION: "Agency confirmation",
}

# Columns only some checks have, placed after that check's date column.
SPECIFIC_COLUMNS: dict[str, tuple[Column, ...]] = {
    CheckType.RIGHT_TO_WORK: (
        Column("Right to work expires", "right_to_work_expires_on", "date",
               CheckType.RIGHT_TO_WORK, accepts=DATE + "; when permission is time-limited"),
    ),
    CheckType.ENHANCED_DBS: (
        Column("DBS certificate number", "dbs_certificate_number", "dbs_number",
               CheckType.ENHANCED_DBS, max_length=50,
               accepts="the certificate number (spaces and dashes are ignored)"),
        Column("DBS issue date", "dbs_issued_on", "date", CheckType.ENHANCED_DBS,
               accepts=DATE),
        Column("DBS barred list included", "dbs_with_barred_list", "optional_bool",
               CheckType.ENHANCED_DBS,
               accepts=YES_NO + "; whether the certificate includes the children's barred list"),
        Column("DBS update service", "on_update_service", "bool", CheckType.ENHANCED_DBS,
               accepts=YES_NO + "; whether the person is on the DBS Update Service"),
        Column("DBS update service checked", "update_service_checked_on", "date",
               CheckType.ENHANCED_DBS, accepts=DATE + "; the last status check"),
    ),
    CheckType.AGENCY_CONFIRMATION: (
        Column("Agency DBS certificate provided", "agency_certificate_provided",
               "optional_bool", CheckType.AGENCY_CONFIRMATION, accepts=YES_NO),
    ),
}


def _check_columns(check_type: str) -> tuple[Column, ...]:
    prefix = CHECK_PREFIXES[check_type]
    return (
        Column(f"{prefix} status", "status", "status", check_type,
               accepts="done or pending; blank with a date: done"),
        Column(f"{prefix} date", "done_on", "date", check_type,
               accepts=DATE + "; the date the check was done"),
        *SPECIFIC_COLUMNS.get(check_type, ()),
        Column(f"{prefix} checked by", "checked_by", "text", check_type, max_length=200,
               accepts="who carried out the check"),
        Column(f"{prefix} evidence", "evidence", "long_text", check_type,
               accepts="what evidence was seen"),
        Column(f"{prefix} notes", "notes", "long_text", check_type, accepts="text"),
    )


COLUMNS: tuple[Column, ...] = PERSON_COLUMNS + tuple(
    column for check_type in CheckType.values for column in _check_columns(check_type)
)


BY_HEADING: dict[str, Column] = {heading_key(column.heading): column for column in COLUMNS}
HEADINGS: list[str] = [column.heading for column in COLUMNS]
_ORDER = {column.heading: position for position, column in enumerate(COLUMNS)}


def column_order(heading: str) -> int:
    """Where a heading comes in the template (problems are listed in this order)."""
    return _ORDER.get(heading, len(_ORDER))


def heading_of(field_name: str, check_type: str = "") -> str:
    """The heading of a person's field (or of a check's field, with its type)."""
    for column in COLUMNS:
        if column.field == field_name and column.check_type == check_type:
            return column.heading
    return field_name
