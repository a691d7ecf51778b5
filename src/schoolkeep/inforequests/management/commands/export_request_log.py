"""``schoolkeep export-request-log --school SLUG [--year 2026] --format xlsx|csv --out PATH``:
write the school's request log (every request with its dates, days taken, whether it was in
time, extensions, pauses, outcome and exemptions, then the counts per term), audited as the
command line's actor. No names and no narrative are in it.

An existing file is never overwritten. An unknown school, a bad year or format, or a file
that cannot be written: one line, status 2.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from schoolkeep.compliance.management.documents import STATUS, new_file
from schoolkeep.inforequests.exports.log import LogFilters, check_format, request_log_export
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.models import School


class Command(BaseCommand):
    help = ("Write a school's request log for governors and the ICO: every request with its "
            "dates, days taken, whether it was answered in time, its extensions, pauses, "
            "outcome and exemptions, and the counts per term. No names.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--school", required=True, metavar="SLUG",
                            help="the school's short name (slug)")
        parser.add_argument("--year", metavar="YEAR",
                            help="only requests received in this calendar year (default: all)")
        parser.add_argument("--format", required=True, metavar="FORMAT",
                            help="xlsx (two sheets) or csv (the counts below the log)")
        parser.add_argument("--out", required=True, metavar="PATH",
                            help="where to write the file (never over an existing one)")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school has the short name {options['school']!r}.",
                               returncode=STATUS)
        try:
            fmt = check_format(options["format"])
        except DomainError:
            raise CommandError(f"The format must be xlsx or csv, not {options['format']!r}.",
                               returncode=STATUS) from None
        try:
            filters = LogFilters.from_text(options["year"])
        except DomainError as exc:
            raise CommandError(exc.message, returncode=STATUS) from None
        with new_file(options["out"]) as handle:
            made = request_log_export(school=school, actor=None, fmt=fmt, filters=filters)
            handle.write(made.content)
        self.stdout.write(f"{school.name}: request log of {made.rows} request"
                          f"{'s' if made.rows != 1 else ''} ({filters.description}) written "
                          f"to {options['out']}.")
