"""``schoolkeep retention [--dry-run] [--school SLUG]``: Schoolkeep's own erasure now.

With ``--dry-run`` it lists, school by school, what would be erased and what waits and why,
and changes nothing. Without it, it erases what is due now (the nightly run does the same),
records it in the destruction log and the audit trail, and lists what it erased. No names:
each record is described by its kind and dates ("A leaver who left on 31 August 2019").
An unknown school: one line, status 2.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from schoolkeep.privacy.erasure.runner import run_erasure
from schoolkeep.tenancy.models import School


class Command(BaseCommand):
    help = ("Apply the retention schedule to Schoolkeep's own records: erase leavers, former "
            "parents, old signing links and kiosk entries past their periods. --dry-run "
            "lists what would be erased and what waits, and changes nothing.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="list what would be erased and what waits; change nothing")
        parser.add_argument("--school", metavar="SLUG",
                            help="only this school (its short name); default: every school")

    def handle(self, *args: Any, **options: Any) -> None:
        school = None
        if options["school"]:
            school = School.objects.filter(slug=options["school"]).first()
            if school is None:
                raise CommandError(f"No school has the short name {options['school']!r}.",
                                   returncode=2)
        dry_run = options["dry_run"]
        report = run_erasure(school, dry_run=dry_run)
        verb = "Would erase" if dry_run else "Erased"
        for each in report.schools:
            self.stdout.write(f"{each.school_name}:")
            for item in each.due:
                self.stdout.write(f"  {verb}: {item.description} "
                                  f"(period ended {item.ends_on:%d/%m/%Y})")
            for waiting in each.waiting:
                self.stdout.write(f"  Waits: {waiting.item.description}: {waiting.reason}")
        due = sum(len(s.due) for s in report.schools)
        self.stdout.write(
            f"{verb} {due} record{'s' if due != 1 else ''}; "
            f"{report.waiting_count} wait{'s' if report.waiting_count == 1 else ''}"
            f"{' (dry run: nothing was changed)' if dry_run else ''}.")
