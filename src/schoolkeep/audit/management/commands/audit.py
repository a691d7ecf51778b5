"""``schoolkeep audit verify``: check that every audit chain is intact."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from schoolkeep.audit import heads_notice
from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.audit.verify import audit_verify, check_heads, current_heads, parse_heads

SUBCOMMANDS = {
    "verify": "recompute every hash and follow every link of every chain; "
              "exit 0 when all are intact, 1 naming the first broken event of each broken chain"
              " (with --heads FILE: also check that each head copied there is still in its"
              " chain)",
    "heads": "print each chain's head (chain, sequence, hash), to copy somewhere outside the"
             " database",
}


class Command(BaseCommand):
    help = "Work with the audit trail. Subcommands: " + "; ".join(
        f"{name}: {text}" for name, text in SUBCOMMANDS.items()
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("subcommand", nargs="?", metavar="SUBCOMMAND",
                            help="one of: " + ", ".join(SUBCOMMANDS))
        parser.add_argument("--heads", metavar="FILE",
                            help="verify: a file written by 'schoolkeep audit heads'")

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options.get("subcommand")
        if not subcommand:
            raise CommandError("missing subcommand; use one of: " + ", ".join(SUBCOMMANDS))
        if subcommand not in SUBCOMMANDS:
            raise CommandError(
                f"unknown subcommand {subcommand!r}; use one of: " + ", ".join(SUBCOMMANDS)
            )
        if subcommand == "heads":
            self.stdout.write("# Audit chain heads: chain, sequence, hash. Keep a copy "
                              "outside the database; check it with "
                              "'schoolkeep audit verify --heads FILE'.")
            for head in current_heads():
                self.stdout.write(head.line())
            if heads_notice.copy_due():  # printing them counts as copying them
                with audit_context(actor_label=cli_actor_label()):
                    heads_notice.heads_copied(how="command")
            return
        self.verify(options.get("heads"))

    def verify(self, heads_file: str | None = None) -> None:
        problems = self.copied_heads_problems(heads_file) if heads_file else []
        result = audit_verify()
        for problem in problems:
            self.stderr.write(f"Copied head not found: {problem}")
        if result.ok and not problems:
            self.stdout.write(f"All {result.chains} chains intact ({result.events} events).")
            if heads_file:
                self.stdout.write("Every copied head is still in its chain.")
            return
        if result.ok:
            raise SystemExit(1)
        for broken in result.broken:
            self.stderr.write(f"Broken audit chain: {broken}")
        self.stderr.write(
            f"{len(result.broken)} of {result.chains} chains broken ({result.events} events read)."
        )
        raise SystemExit(1)

    def copied_heads_problems(self, path: str) -> list[str]:
        try:
            with open(path, encoding="utf-8") as handle:
                heads = parse_heads(handle.read())
        except OSError as error:
            raise CommandError(f"cannot read the heads file {path}: {error.strerror}") from None
        except ValueError as error:
            raise CommandError(f"the heads file {path}: {error}") from None
        return check_heads(heads)
