"""What the import commands share (``import-people``, ``import-assets``): the arguments
``PATH --school SLUG [--dry-run]``, finding the school and the file, running the import as the
command line's actor, and reporting a file with problems.

An unknown school or a file that cannot be read: one line, status 1. When any row is wrong,
nothing is written: each note and problem (the first 200: ``lib.import_bounds``) goes to
standard error, then a count of them all, status 2."""

from __future__ import annotations

from abc import ABC, abstractmethod
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.lib.tabular import ImportFileError
from schoolkeep.tenancy.models import School


def dry_run_prefix(dry_run: bool) -> str:
    return "Dry run, nothing written. " if dry_run else ""


class ImportCommand(BaseCommand, ABC):
    """A subclass names its file (``path_help``), runs its import (``run_import``) and may
    say more than the result's summary of what it did (``report``)."""

    path_help = "the file"

    @abstractmethod
    def run_import(self, path: Path, *, school: School, dry_run: bool) -> Any:
        """The import's result (``ok``, ``notes``, ``problems``, ``problem_count``); raises
        ImportFileError."""

    def file_read_as(self, path: Path, result: Any) -> str:
        """How the count of problems names the file."""
        return path.name

    def report(self, school: School, path: Path, result: Any, *, dry_run: bool) -> None:
        """Say what the import did (or, with ``dry_run``, would do): by default its summary."""
        self.stdout.write(f"{dry_run_prefix(dry_run)}{school.name}: {result.summary()}")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", metavar="PATH", help=self.path_help)
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
                result = self.run_import(path, school=school, dry_run=options["dry_run"])
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for note in result.notes:
            self.stderr.write(f"Note: {note}")
        if not result.ok:
            for problem in result.problems:  # the first ones (lib.import_bounds)
                self.stderr.write(str(problem))
            count = result.problem_count
            more = count - len(result.problems)
            if more > 0:
                self.stderr.write(f"And {more:,} more problem{'s' if more != 1 else ''} not "
                                  "listed: put these right first.")
            self.stderr.write(f"{count:,} problem{'s' if count != 1 else ''} in "
                              f"{self.file_read_as(path, result)}: nothing was imported.")
            raise SystemExit(2)
        self.report(school, path, result, dry_run=options["dry_run"])
