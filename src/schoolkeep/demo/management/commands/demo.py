"""``schoolkeep demo``: build the demonstration trust (development only) and print its logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.demo.builder import build_demo, demo_exists
from schoolkeep.demo.guard import refuse_in_production
from schoolkeep.demo.login_text import login_lines
from schoolkeep.lib.errors import DomainError


class Command(BaseCommand):
    help = (
        "Build a fictional trust with two schools and a member in every role, for trying "
        "Schoolkeep (development only). Does nothing but print the logins when the demo exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-logins", action="store_true", help="Do not print the table of demo logins."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_in_production("demo")
        if demo_exists():
            self.stdout.write("The demo data exists already; nothing was changed.")
        else:
            try:
                with audit_context(actor_label=cli_actor_label()):
                    ctx = build_demo()
            except DomainError as exc:
                raise CommandError(f"The demo could not be built: {exc.message}") from None
            names = " and ".join(school.name for school in ctx.schools.values())
            trust = ctx.organisation.name if ctx.organisation else "The demo"
            self.stdout.write(self.style.SUCCESS(f"Built the demo: {trust}, with {names}."))
        if not options["no_logins"]:
            self.print_logins()

    def print_logins(self) -> None:
        for line in login_lines():
            self.stdout.write(line)
