"""``schoolkeep import-accounts PATH --school SLUG --system NAME [--dry-run]``: reconcile a
system's exported user list with the accounts Schoolkeep records for it.

Prints the counts (new, changed, unchanged, missing from the file) and each section of the
preview (leavers' accounts still enabled, accounts that match nobody, administrator accounts
without two-factor, accounts not used for a long time, people who should have an account and
do not) with its count and a few accounts. When any row is wrong it writes nothing, prints
each problem (row, column, what is wrong) to standard error and exits with status 2. An
unknown school or system, or a file that cannot be read: one line, status 1.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from schoolkeep.access.imports import ReconcileResult, user_list_reconcile
from schoolkeep.access.imports.results import SECTIONS
from schoolkeep.jobs.import_command import ImportCommand, dry_run_prefix
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School

EXAMPLES_SHOWN = 5


class Command(ImportCommand):
    help = ("Reconcile a system's user list (CSV or XLSX: a Microsoft 365 or Google Workspace "
            "export, a SIMS user list, or any file with a username column; see "
            "docs/imports.md) with its recorded accounts. Nothing is written if any row is "
            "wrong (exit 2).")
    path_help = "the CSV or XLSX user list"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--system", required=True, metavar="NAME",
                            help="the system's name in the school's register (any case)")

    def handle(self, *args: Any, **options: Any) -> None:
        self.system_name = " ".join(str(options["system"]).split()).casefold()
        super().handle(*args, **options)

    def run_import(self, path: Path, *, school: School, dry_run: bool) -> ReconcileResult:
        systems = System.objects.filter(school=school, archived_at__isnull=True)
        system = systems.filter(name_key=self.system_name).first()
        if system is None:
            names = ", ".join(systems.order_by("name_key").values_list("name", flat=True))
            raise CommandError(f"{school.name} has no system called {self.system_name!r}. "
                               f"Its systems: {names or 'none yet'}.")
        return user_list_reconcile(path, school=school, system=system, actor=None,
                                   dry_run=dry_run, filename=path.name)

    def report(self, school: School, path: Path, result: Any, *, dry_run: bool) -> None:
        self.stdout.write(f"{dry_run_prefix(dry_run)}{school.name}: {result.summary()}")
        for key, heading in SECTIONS:
            section = result.sections[key]
            self.stdout.write(f"{heading}: {section.count:,}")
            for item in section.examples[:EXAMPLES_SHOWN]:
                self.stdout.write(f"  {_example(item)}")
            more = section.count - min(EXAMPLES_SHOWN, len(section.examples))
            if more > 0 and section.examples:
                self.stdout.write(f"  and {more:,} more")


def _example(item: dict[str, Any]) -> str:
    """One account of a section: "row 3: kdoyle (Karen Doyle) - why"."""
    who = " ".join(part for part in (
        item["username"], f"({item['name']})" if item["username"] and item["name"]
        else item["name"]) if part)
    where = f"row {item['row']}: " if item["row"] else ""
    return f"{where}{who}" + (f" - {item['detail']}" if item["detail"] else "")
