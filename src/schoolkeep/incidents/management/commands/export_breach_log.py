"""``schoolkeep export-breach-log --school SLUG [--format csv|xlsx] [--out PATH]
[--from DATE] [--to DATE]``: write the school's breach log (XLSX with two sheets, or CSV as
two files in a zip), audited as the command line's actor.

Without ``--out`` the file goes to the current folder under its own name
(``breach-log-SLUG-DATE.xlsx`` or ``.zip``); an existing file is never overwritten. An unknown
school, a bad date or a file that cannot be written: one line, status 1.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.incidents.exports.log import FORMATS, XLSX, LogFilters, breach_log_export_now
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.models import School


def default_name(school: School, fmt: str) -> str:
    extension = "xlsx" if fmt == XLSX else "zip"
    return f"breach-log-{school.slug}-{timezone.localdate().isoformat()}.{extension}"


class Command(BaseCommand):
    help = ("Write a school's breach log for governors and inspectors: every incident with "
            "its dates, the ICO decision and the time it took, and the counts per term.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--school", required=True, metavar="SLUG",
                            help="the school's short name (slug)")
        parser.add_argument("--format", choices=sorted(FORMATS), default=XLSX,
                            help="xlsx (two sheets, the default) or csv (two files in a zip)")
        parser.add_argument("--out", metavar="PATH",
                            help="where to write the file (default: its own name, here)")
        parser.add_argument("--from", dest="date_from", metavar="DATE",
                            help="only incidents the school became aware of on or after this "
                                 "day (YYYY-MM-DD, UK time)")
        parser.add_argument("--to", dest="date_to", metavar="DATE",
                            help="only incidents the school became aware of up to this day")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school has the short name {options['school']!r}.")
        try:
            filters = LogFilters.from_params({"date_from": options["date_from"] or "",
                                              "date_to": options["date_to"] or ""})
        except DomainError as exc:
            raise CommandError(exc.message) from None
        fmt = options["format"]
        path = Path(options["out"] or default_name(school, fmt))
        try:
            # Opened first, and never over a file that is already there.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise CommandError(f"{path}: cannot be written ({exc.strerror}).") from None
        try:
            with os.fdopen(fd, "wb") as handle:
                with audit_context(actor_label=cli_actor_label()):
                    made, rows = breach_log_export_now(school=school, actor=None, fmt=fmt,
                                                       filters=filters)
                handle.write(made.content)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self.stdout.write(f"{school.name}: breach log of {rows} incident"
                          f"{'s' if rows != 1 else ''} ({filters.description}) written to "
                          f"{path}.")
