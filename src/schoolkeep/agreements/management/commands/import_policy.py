"""``schoolkeep import-policy PATH --school SLUG [--dry-run]``: record a policy document from
its text (a plain text file): its header and title line go into the policy register.

On success it says what was (or, with ``--dry-run``, would be) recorded, then any warnings
(such as a header naming another school), and exits 0. Importing the same text again changes
nothing and says so. A header that cannot be read: each problem (line and value) to standard
error, nothing written, status 2. An unknown school or a file that cannot be read, is not
plain text, or is a web page or a script (as the web import refuses): one line, status 1.
"""

from __future__ import annotations

from pathlib import Path

from schoolkeep.agreements.policies.imports import (
    PolicyImportResult,
    decode_policy_text,
    policy_import,
)
from schoolkeep.agreements.policies.services import FILE_MAX_BYTES
from schoolkeep.jobs.import_command import ImportCommand
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.tabular import ImportFileError
from schoolkeep.tenancy.models import School


class Command(ImportCommand):
    help = ("Record a policy document from its text: the title, the school's name, the review "
            "date, the next review (a date or a term) and the governor who reviewed it are read "
            "from its header. Nothing is written if the header cannot be read (exit 2).")
    path_help = "the policy document, as a plain text file"

    def run_import(self, path: Path, *, school: School, dry_run: bool) -> PolicyImportResult:
        try:
            with path.open("rb") as handle:
                data = handle.read(FILE_MAX_BYTES + 1)
        except OSError as exc:
            raise ImportFileError(f"cannot be read ({exc.strerror}).") from None
        if len(data) > FILE_MAX_BYTES:
            raise ImportFileError("is larger than 10 MB.")
        try:
            text = decode_policy_text(data, name=path.name)
        except DomainError as exc:
            raise ImportFileError(exc.message) from None
        return policy_import(school=school, actor=None, text=text, filename=path.name,
                             dry_run=dry_run)

    def report(self, school: School, path: Path, result: PolicyImportResult, *,
               dry_run: bool) -> None:
        prefix = "Dry run, nothing written. " if dry_run else ""
        self.stdout.write(f"{prefix}{school.name}, from {path.name}: {result.summary()}")
        for line in result.detail_lines():
            self.stdout.write(f"  {line}")
        if result.warnings:
            self.stdout.write("Warnings:")
            for warning in result.warnings:
                self.stdout.write(f"  {warning}")
