"""``schoolkeep import-people PATH --school SLUG [--dry-run]``: people and checks from a file.

Prints what was (or, with ``--dry-run``, would be) added, updated and left unchanged. When any
row is wrong it writes nothing, prints each problem (row, column, what is wrong) to standard
error and exits with status 2. An unknown school or a file that cannot be read: one line,
status 1.
"""

from __future__ import annotations

from pathlib import Path

from schoolkeep.jobs.import_command import ImportCommand
from schoolkeep.people.imports import ImportResult, people_import
from schoolkeep.tenancy.models import School


class Command(ImportCommand):
    help = ("Import people and their Single Central Record checks from a CSV or XLSX file "
            "(headings: see docs/imports.md). Nothing is written if any row is wrong (exit 2).")
    path_help = "the CSV or XLSX file"

    def run_import(self, path: Path, *, school: School, dry_run: bool) -> ImportResult:
        return people_import(path, school=school, actor=None, dry_run=dry_run,
                             filename=path.name)

