"""``schoolkeep policy-document --school SLUG --format pdf|docx --out PATH``: write the
school's Online Security Policy as Schoolkeep makes it from the school's registers (the same
document as the compliance pages make), audited as the command line's actor.

An existing file is never overwritten. An unknown school, a format other than pdf or docx (in
any case) or a file that cannot be written: one line, status 2.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.compliance.policydoc.files import FORMATS
from schoolkeep.compliance.policydoc.services import policydoc_make_now
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.models import School

STATUS = 2


class Command(BaseCommand):
    help = ("Write a school's Online Security Policy, made from its registers (its names, "
            "systems, transfer channels, the policy register's review and Appendix 1 from the "
            "information asset register), as a PDF or a Word document.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--school", required=True, metavar="SLUG",
                            help="the school's short name (slug)")
        parser.add_argument("--format", required=True, metavar="FORMAT",
                            help="pdf or docx (Word)")
        parser.add_argument("--out", required=True, metavar="PATH",
                            help="where to write the file (never over an existing one)")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school has the short name {options['school']!r}.",
                               returncode=STATUS)
        fmt = str(options["format"]).lower()
        if fmt not in FORMATS:
            raise CommandError(f"The format must be pdf or docx, not {options['format']!r}.",
                               returncode=STATUS)
        path = Path(options["out"])
        try:
            # Opened first, and never over a file that is already there.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise CommandError(f"{path}: cannot be written ({exc.strerror}).",
                               returncode=STATUS) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                with audit_context(actor_label=cli_actor_label()):
                    content = policydoc_make_now(school=school, actor=None,
                                                 fmt=fmt)
                handle.write(content)
        except DomainError as exc:
            path.unlink(missing_ok=True)
            raise CommandError(exc.message, returncode=STATUS) from None
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self.stdout.write(f"{school.name}: Online Security Policy written to {path}.")
