"""``schoolkeep audit verify``: check that every audit chain is intact."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from schoolkeep.audit.verify import audit_verify

SUBCOMMANDS = {
    "verify": "recompute every hash and follow every link of every chain; "
              "exit 0 when all are intact, 1 naming the first broken event of each broken chain",
}


class Command(BaseCommand):
    help = "Work with the audit trail. Subcommands: " + "; ".join(
        f"{name}: {text}" for name, text in SUBCOMMANDS.items()
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("subcommand", nargs="?", metavar="SUBCOMMAND",
                            help="one of: " + ", ".join(SUBCOMMANDS))

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options.get("subcommand")
        if not subcommand:
            raise CommandError("missing subcommand; use one of: " + ", ".join(SUBCOMMANDS))
        if subcommand not in SUBCOMMANDS:
            raise CommandError(
                f"unknown subcommand {subcommand!r}; use one of: " + ", ".join(SUBCOMMANDS)
            )
        self.verify()

    def verify(self) -> None:
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"All {result.chains} chains intact ({result.events} events).")
            return
        for broken in result.broken:
            self.stderr.write(f"Broken audit chain: {broken}")
        self.stderr.write(
            f"{len(result.broken)} of {result.chains} chains broken ({result.events} events read)."
        )
        raise SystemExit(1)
