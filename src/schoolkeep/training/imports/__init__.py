"""Importing training records from a CSV or XLSX file: one row per person per course
completed (an attendance list, a provider's completion export, last year's spreadsheet).

- ``columns``: the facts read and the headings each is known by; ``reading``: cells and rows
  (formats, encodings and bounds: ``schoolkeep.lib.tabular``); ``matching``: the recorded
  person of each row (staff number, then e-mail, then full name with date of birth, as the
  people import finds people) and the course (its name, or a default course's key);
  ``writing``: the comparison and the writes in bulk, all or nothing, one audit event per
  record added; ``results``: the counts and the preview's rows; ``template``: the template
  files; ``tasks``, ``views`` and ``urls``: the pages and the background check and import
  (``jobs.import_flow``).

``docs/imports.md`` describes the headings, values and matching for users.
"""

from schoolkeep.training.imports.results import ImportResult
from schoolkeep.training.imports.writing import ACTION_LABELS, training_import

__all__ = ["ACTION_LABELS", "ImportResult", "training_import"]
