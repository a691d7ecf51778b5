"""The columns of a register file, found by their headings: ignoring case and spacing, and
with the synonyms schools use (the seed's table heads its owner column "Information Asset
Owner" and leaves the asset column's heading empty)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from schoolkeep.assets.models import Classification
from schoolkeep.lib.import_bounds import quoted

NAME, GROUP, OWNER, ACCESS, PURPOSE, CLASSIFICATION, DESCRIPTION, RETENTION = (
    "name", "group", "owner", "access", "purpose", "classification", "description",
    "retention")


@dataclass(frozen=True)
class Column:
    field: str
    heading: str  # the heading documented and used in messages when the file has none
    synonyms: tuple[str, ...]
    max_length: int = 0  # characters; 0: no limit
    accepts: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(NAME, "Asset", ("Asset", "Information asset", "Asset name", "Name",
                           "Information asset name"), 300,
           "the asset's name; every row needs one. An empty first heading names this column."),
    Column(GROUP, "Group", ("Group", "Asset group"), 200,
           "the group (heading) of the asset; without this column, groups come from heading "
           "rows"),
    Column(OWNER, "Information Asset Owner", ("Information Asset Owner", "Owner", "IAO",
                                              "Asset owner", "Information owner"), 200,
           "a person of the school, an outside organisation or a name"),
    Column(ACCESS, "Who has access to enter information", (
        "Who has access to enter information", "Access", "Who has access",
        "Access to enter information"), 200,
           "role labels separated by “/”"),
    Column(PURPOSE, "Purpose", ("Purpose", "Purposes", "Purpose of processing"), 0, "text"),
    Column(CLASSIFICATION, "Classification", ("Classification", "Marking",
                                              "Protective marking", "Security classification"),
           0, "OFFICIAL or OFFICIAL-SENSITIVE (Protect and Restricted are read as "
              "OFFICIAL-SENSITIVE), or blank"),
    Column(DESCRIPTION, "Description", ("Description",), 0, "text"),
    Column(RETENTION, "Retention period", ("Retention period", "Retention",
                                           "How long it is kept", "How long kept"), 200,
           "how long the records are kept, as the register wrote it: kept as the text from "
           "before the retention schedule, shown until the asset's record types are linked"),
)


def heading_key(text: str) -> str:
    """How headings are compared: case and every space ignored, and a trailing colon."""
    return re.sub(r"\s+", "", text).casefold().rstrip(":")


BY_KEY: dict[str, Column] = {heading_key(synonym): column
                             for column in COLUMNS for synonym in column.synonyms}
BY_FIELD: dict[str, Column] = {column.field: column for column in COLUMNS}

# Classifications as written (compared ignoring case, with spaces, hyphens and dashes as one).
CLASSIFICATIONS: dict[str, tuple[str, str]] = {
    "official": (Classification.OFFICIAL, ""),
    "official sensitive": (Classification.OFFICIAL_SENSITIVE, ""),
    "not yet classified": (Classification.UNCLASSIFIED, ""),
}
# The policy's old markings, accepted as OFFICIAL-SENSITIVE with a note saying so.
OLD_MARKINGS = {"protect": "Protect", "restricted": "Restricted"}


def classification_key(text: str) -> str:
    return re.sub(r"[\s\-\u2010-\u2015_]+", " ", text).strip().casefold()


class BadValue(Exception):
    pass


def parse_classification(text: str) -> tuple[str, str]:
    """(Classification value, note) of a cell. Raises BadValue when it is none we know."""
    key = classification_key(text)
    if key in CLASSIFICATIONS:
        return CLASSIFICATIONS[key]
    if key in OLD_MARKINGS:
        marking = OLD_MARKINGS[key]
        return (Classification.OFFICIAL_SENSITIVE,
                f"Marked “{marking}” in the imported register, read as OFFICIAL-SENSITIVE.")
    raise BadValue(f"{quoted(text)} is not a classification. Use OFFICIAL or OFFICIAL-SENSITIVE "
                   "(the old markings Protect and Restricted are read as OFFICIAL-SENSITIVE), "
                   "or leave the cell blank.")
