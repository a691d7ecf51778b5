"""``schoolkeep policy-document --school SLUG --format pdf|docx --out PATH``: write the
school's Online Security Policy as Schoolkeep makes it from the school's registers (the same
document as the compliance pages make), audited as the command line's actor.

An existing file is never overwritten. An unknown school, a format other than pdf or docx (in
any case) or a file that cannot be written: one line, status 2.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from schoolkeep.compliance.management.documents import new_file, school_and_format
from schoolkeep.compliance.policydoc.files import FORMATS
from schoolkeep.compliance.policydoc.services import policydoc_make_now


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
        school, fmt = school_and_format(options, FORMATS)
        with new_file(options["out"]) as handle:
            handle.write(policydoc_make_now(school=school, actor=None, fmt=fmt))
        self.stdout.write(f"{school.name}: Online Security Policy written to {options['out']}.")
