"""``schoolkeep governor-pack --school SLUG [--term "Autumn 2026"] --format pdf|docx --out
PATH``: build a school's governor pack for a term (the term today is in, by default) and write
it as PDF or Word, for a trust that automates its reporting.

The pack is built as in Schoolkeep (it is kept, listed on the school's governor pack page, and
audited as the command line's actor); the governors are not e-mailed. An existing file is
never overwritten. An unknown school, a bad term or format, or a file that cannot be written:
one line, status 2.
"""

from __future__ import annotations

import os
import shutil
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.compliance.pack.services import FORMATS, pack_build_now, pack_open_file
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.models import School

EXIT = 2


class Command(BaseCommand):
    help = ("Build a school's governor pack for a term (compliance with its policy, the DfE's "
            "cyber security standards and the RPA's conditions, and the term's figures) and "
            "write it as PDF or Word.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--school", required=True, metavar="SLUG",
                            help="the school's short name (slug)")
        parser.add_argument("--term", metavar="TERM", default="",
                            help='the term, such as "Autumn 2026" (default: the term today '
                                 'is in)')
        parser.add_argument("--format", required=True, metavar="FORMAT",
                            help="pdf or docx")
        parser.add_argument("--out", required=True, metavar="PATH",
                            help="where to write the file (never over an existing one)")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school has the short name {options['school']!r}.",
                               returncode=EXIT)
        fmt = str(options["format"]).lower()
        if fmt not in FORMATS:
            raise CommandError(f"The format must be pdf or docx, not {options['format']!r}.",
                               returncode=EXIT)
        path = Path(options["out"])
        try:
            # Opened first, and never over a file that is already there.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise CommandError(f"{path}: cannot be written ({exc.strerror}).",
                               returncode=EXIT) from None
        try:
            with os.fdopen(fd, "wb") as handle, audit_context(actor_label=cli_actor_label()):
                pack = pack_build_now(school=school, actor=None, term=options["term"] or None)
                with pack_open_file(pack=pack, actor=None, fmt=fmt) as made:
                    shutil.copyfileobj(made, handle)
        except DomainError as exc:
            path.unlink(missing_ok=True)
            raise CommandError(exc.message, returncode=EXIT) from None
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self.stdout.write(f"{school.name}: governor pack for {pack.term_label} written to "
                          f"{path} ({fmt.upper()}, built in {pack.build_seconds:.1f} s).")
