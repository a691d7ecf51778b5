"""Importing equipment from a CSV or XLSX file (the school's own spreadsheet, or a Snipe-IT
asset export): one row per item, added or updated.

- ``columns``: the facts read and the headings each is known by; ``reading``: cells and rows
  (formats, encodings and bounds: ``schoolkeep.lib.tabular``); ``matching``: the recorded
  item of each row (serial number, then asset tag) and the person it is assigned to (e-mail,
  then name); ``writing``: the comparison and the writes in bulk, all or nothing, one audit
  event per item changed; ``results``: the counts and the preview's rows; ``template``: the
  template files; ``tasks``, ``views`` and ``urls``: the pages and the background check and
  import (``jobs.import_flow``). The command is ``import-equipment``
  (equipment/management/commands/import_equipment.py).

``docs/imports.md`` describes the headings, values and matching for users.
"""

from schoolkeep.equipment.imports.results import ImportResult
from schoolkeep.equipment.imports.writing import ACTION_LABELS, equipment_import

__all__ = ["ACTION_LABELS", "ImportResult", "equipment_import"]
