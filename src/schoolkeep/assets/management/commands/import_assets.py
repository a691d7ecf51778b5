"""``schoolkeep import-assets PATH --school SLUG [--dry-run]``: the information asset register
from a policy document (plain text, the table after the line beginning "Appendix 1") or a
CSV, TSV or XLSX file.

On success it prints what was (or, with ``--dry-run``, would be) created and changed, group
by group, then its warnings, and exits 0. When any row is invalid it writes nothing, prints
each problem (row, column, what is wrong) to standard error and exits 2. An unknown school
or a file that cannot be read: one line, status 1.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from schoolkeep.assets.imports import ImportFileError, assets_import
from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.tenancy.models import School


class Command(BaseCommand):
    help = ("Import the information asset register from a policy document (text: the table "
            "after “Appendix 1”) or a CSV, TSV or XLSX file (see docs/imports.md). Nothing is "
            "written if any row is invalid (exit 2).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", metavar="PATH",
                            help="the policy document (.txt), CSV, TSV or XLSX file")
        parser.add_argument("--school", required=True, metavar="SLUG",
                            help="the school's short name (slug)")
        parser.add_argument("--dry-run", action="store_true",
                            help="check the file and say what would change; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school has the short name {options['school']!r}.")
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            with audit_context(actor_label=cli_actor_label()):
                result = assets_import(path, school=school, actor=None,
                                       dry_run=options["dry_run"], filename=path.name)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for note in result.notes:
            self.stderr.write(f"Note: {note}")
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            count = len(result.problems)
            self.stderr.write(f"{count} problem{'s' if count != 1 else ''} in {path.name} "
                              f"(read as {result.file_format}): nothing was imported.")
            raise SystemExit(2)
        prefix = "Dry run, nothing written. " if options["dry_run"] else ""
        self.stdout.write(f"{prefix}{school.name}, from {path.name} (read as "
                          f"{result.file_format}): {result.summary()}")
        for line in result.report_lines():
            self.stdout.write(line)
        if result.warnings:
            self.stdout.write("Warnings:")
            for warning in result.warnings:
                self.stdout.write(f"  {warning}")
