"""``schoolkeep import-assets PATH --school SLUG [--dry-run]``: the information asset register
from a policy document (plain text, the table after the line beginning "Appendix 1") or a
CSV, TSV or XLSX file.

On success it prints what was (or, with ``--dry-run``, would be) created and changed, group
by group, then its warnings, and exits 0. When any row is invalid it writes nothing, prints
each problem (row, column, what is wrong) to standard error and exits 2. An unknown school
or a file that cannot be read: one line, status 1.

Look-alikes (a new name that looks like one already in the register) are listed and added as
new: matching them to the register is done on the import page, where each is answered
(deliberately not asked here, so that the command stays usable unattended).
"""

from __future__ import annotations

from pathlib import Path

from schoolkeep.assets.imports import ImportResult, assets_import
from schoolkeep.jobs.import_command import ImportCommand, dry_run_prefix
from schoolkeep.tenancy.models import School


class Command(ImportCommand):
    help = ("Import the information asset register from a policy document (text: the table "
            "after “Appendix 1”) or a CSV, TSV or XLSX file (see docs/imports.md). Nothing is "
            "written if any row is invalid (exit 2). Names that look like ones already in "
            "the register are listed and added as new: to match them instead, import the "
            "file on the register's import page.")
    path_help = "the policy document (.txt), CSV, TSV or XLSX file"

    def run_import(self, path: Path, *, school: School, dry_run: bool) -> ImportResult:
        return assets_import(path, school=school, actor=None, dry_run=dry_run,
                             filename=path.name)

    def file_read_as(self, path: Path, result: ImportResult) -> str:
        return f"{path.name} (read as {result.file_format})"

    def report(self, school: School, path: Path, result: ImportResult, *,
               dry_run: bool) -> None:
        self.stdout.write(f"{dry_run_prefix(dry_run)}{school.name}, from {path.name} (read as "
                          f"{result.file_format}): {result.summary()}")
        for line in result.report_lines():
            self.stdout.write(line)
        if result.warnings:
            self.stdout.write("Warnings:")
            for warning in result.warnings:  # the first ones (lib.import_bounds)
                self.stdout.write(f"  {warning}")
            if result.warnings.more:
                self.stdout.write(f"  And {result.warnings.more:,} more not listed.")
