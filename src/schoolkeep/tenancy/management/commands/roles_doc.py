"""``schoolkeep roles-doc``: write docs/roles.md from the permission table in code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolkeep.tenancy.roles import roles_markdown


def default_path() -> Path:
    # settings.BASE_DIR is src/schoolkeep; the documentation lives at the repository's root.
    return Path(settings.BASE_DIR).parents[1] / "docs" / "roles.md"


class Command(BaseCommand):
    help = "Write docs/roles.md from the roles and permissions table (tenancy/roles.py)."
    requires_system_checks: list[str] = []  # needs neither the database nor the URLs

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=None,
                            help="Where to write the file (default: docs/roles.md).")
        parser.add_argument("--check", action="store_true",
                            help="Write nothing; exit 1 when the file is missing or stale.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["output"] or default_path()
        text = roles_markdown()
        if options["check"]:
            try:
                current = path.read_text(encoding="utf-8")
            except OSError:
                raise CommandError(f"{path} is missing: run `schoolkeep roles-doc`.",
                                   returncode=1) from None
            if current != text:
                raise CommandError(f"{path} is stale: run `schoolkeep roles-doc`.", returncode=1)
            self.stdout.write(f"{path} is up to date.")
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}.") from None
        self.stdout.write(f"Wrote {path}.")
