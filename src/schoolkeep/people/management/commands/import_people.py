"""``schoolkeep import-people PATH --school SLUG [--dry-run]``: people and checks from a file.

Prints what was (or, with ``--dry-run``, would be) added, updated and left unchanged. When any
row is wrong it writes nothing, prints each problem (row, column, what is wrong) to standard
error and exits with status 2. An unknown school or a file that cannot be read: one line,
status 1.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.people.imports import ImportFileError, people_import
from schoolkeep.tenancy.models import School


class Command(BaseCommand):
    help = ("Import people and their Single Central Record checks from a CSV or XLSX file "
            "(headings: see docs/imports.md). Nothing is written if any row is wrong (exit 2).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", metavar="PATH", help="the CSV or XLSX file")
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
                result = people_import(path, school=school, actor=None,
                                       dry_run=options["dry_run"], filename=path.name)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for note in result.notes:
            self.stderr.write(f"Note: {note}")
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            count = len(result.problems)
            self.stderr.write(f"{count} problem{'s' if count != 1 else ''} in {path.name}: "
                              "nothing was imported.")
            raise SystemExit(2)
        prefix = "Dry run, nothing written. " if options["dry_run"] else ""
        self.stdout.write(f"{prefix}{school.name}: {result.summary()}")
