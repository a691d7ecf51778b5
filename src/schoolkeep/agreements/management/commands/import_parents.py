"""``schoolkeep import-parents PATH --school SLUG [--dry-run]``: parents from a CSV or XLSX file.

Prints what was (or, with ``--dry-run``, would be) added, updated and left unchanged. When any
row is wrong it writes nothing, prints each problem (row, column, what is wrong) to standard
error and exits with status 2. An unknown school or a file that cannot be read: one line,
status 1.
"""

from __future__ import annotations

from pathlib import Path

from schoolkeep.agreements.parents.imports import ParentImportResult, parents_import
from schoolkeep.jobs.import_command import ImportCommand
from schoolkeep.tenancy.models import School


class Command(ImportCommand):
    help = ("Import parents and carers from a CSV or XLSX file (headings: Name, Email, Year "
            "groups or classes). Nothing is written if any row is wrong (exit 2).")
    path_help = "the CSV or XLSX file"

    def run_import(self, path: Path, *, school: School, dry_run: bool) -> ParentImportResult:
        return parents_import(path, school=school, actor=None, dry_run=dry_run,
                              filename=path.name)

    def report(self, school: School, path: Path, result: ParentImportResult, *,
               dry_run: bool) -> None:
        super().report(school, path, result, dry_run=dry_run)
        for row in result.preview:
            what = ("add" if row.action == "add"
                    else "update " + ", ".join(row.changed))
            self.stdout.write(f"  Row {row.row}: {row.name}: {'would ' if dry_run else ''}"
                              f"{what}")
