"""``schoolkeep import-equipment --school SLUG PATH [--dry-run]``: add or update the
school's equipment from a CSV or XLSX file (the template's headings, or a Snipe-IT asset
export).

Prints the counts (added, updated, unchanged). When any row is wrong it writes nothing,
prints each problem (row, column, what is wrong) to standard error and exits with status 2.
An unknown school or a file that cannot be read: one line, status 1.
"""

from __future__ import annotations

from pathlib import Path

from schoolkeep.equipment.imports import ImportResult, equipment_import
from schoolkeep.jobs.import_command import ImportCommand
from schoolkeep.tenancy.models import School


class Command(ImportCommand):
    help = ("Add or update the school's equipment from a CSV or XLSX file (one row per item, "
            "found by serial number then asset tag; a Snipe-IT export is read too; see "
            "docs/imports.md). Nothing is written if any row is wrong (exit 2).")
    path_help = "the CSV or XLSX file of equipment"

    def run_import(self, path: Path, *, school: School, dry_run: bool) -> ImportResult:
        return equipment_import(path, school=school, actor=None, dry_run=dry_run,
                                filename=path.name)
