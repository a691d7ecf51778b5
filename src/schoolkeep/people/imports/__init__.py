"""Importing people and their checks from a CSV or XLSX file: one row per person.

The file is read once, in one transaction: every problem is collected (the row as
numbered in the file, headings being row 1; the column; what is wrong, in plain English)
and, while none has been found, people, checks and sites are written in bulk a chunk of
rows at a time, with one audit event per changed record. If anything is wrong, the
transaction is rolled back and nothing is written. A row whose values are already recorded
changes nothing, so importing the same file again writes nothing.

Only a chunk of rows is held at a time: memory grows with the school's people (the
matching index, a few strings each), not with the file.

- ``columns``: the headings; ``reading``: cells and rows (formats and encodings:
  ``schoolkeep.lib.tabular``, shared with the other imports);
  ``matching``: who each row is; ``stored``: what is recorded for a chunk's people;
  ``writing``: the pass over the file, comparing and writing; ``template``: the
  template files; ``views``, ``urls`` and ``tasks``: the import page and the background
  jobs that check and apply a file. Files uploaded through the import page:
  ``schoolkeep.lib.import_uploads``.

``docs/imports.md`` describes the headings, values, matching and errors for users.
"""

from schoolkeep.lib.import_bounds import Problem
from schoolkeep.lib.tabular import ImportFileError, detect_format
from schoolkeep.people.imports.columns import COLUMNS, HEADINGS, Column
from schoolkeep.people.imports.reading import parse_date
from schoolkeep.people.imports.results import ImportResult, PreviewRow
from schoolkeep.people.imports.template import template_csv, template_xlsx
from schoolkeep.people.imports.writing import people_import

__all__ = [
    "COLUMNS",
    "HEADINGS",
    "Column",
    "ImportFileError",
    "ImportResult",
    "PreviewRow",
    "Problem",
    "detect_format",
    "parse_date",
    "people_import",
    "template_csv",
    "template_xlsx",
]
