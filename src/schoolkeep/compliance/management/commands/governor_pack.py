"""``schoolkeep governor-pack --school SLUG [--term "Autumn 2026"] --format pdf|docx --out
PATH``: build a school's governor pack for a term (the term today is in, by default) and write
it as PDF or Word, for a trust that automates its reporting.

The pack is built as in Schoolkeep (it is kept, listed on the school's governor pack page, and
audited as the command line's actor); the governors are not e-mailed. An existing file is
never overwritten. An unknown school, a bad term or format, or a file that cannot be written:
one line, status 2.
"""

from __future__ import annotations

import shutil
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from schoolkeep.compliance.management.documents import new_file, school_and_format
from schoolkeep.compliance.pack.services import FORMATS, pack_build_now, pack_open_file


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
        school, fmt = school_and_format(options, FORMATS)
        with new_file(options["out"]) as handle:
            pack = pack_build_now(school=school, actor=None, term=options["term"] or None)
            with pack_open_file(pack=pack, actor=None, fmt=fmt) as made:
                shutil.copyfileobj(made, handle)
        self.stdout.write(f"{school.name}: governor pack for {pack.term_label} written to "
                          f"{options['out']} ({fmt.upper()}, built in "
                          f"{pack.build_seconds:.1f} s).")
