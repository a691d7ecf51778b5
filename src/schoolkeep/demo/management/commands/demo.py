"""``schoolkeep demo``: build the demonstration trust (development only) and print its logins."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.demo.builder import DEMO_PASSWORD, build_demo, demo_exists
from schoolkeep.demo.guard import refuse_in_production
from schoolkeep.demo.selectors import DemoLogin, demo_logins, demo_pending_invitations
from schoolkeep.lib.errors import DomainError


def schoolkeep_executable() -> str:
    """The full path of the ``schoolkeep`` command that is running (for copy and paste)."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == "schoolkeep" and argv0.exists():
        return str(argv0.resolve())
    beside_python = Path(sys.executable).parent / "schoolkeep"
    if beside_python.exists():
        return str(beside_python.absolute())
    return "schoolkeep"


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
        rows = demo_logins()
        write = self.stdout.write
        write("")
        write(f"Sign in at {settings.BASE_URL}/ with an e-mail address below and the password:")
        write(f"    {DEMO_PASSWORD}")
        write("")
        for line in _table(rows):
            write(line)
        write("")
        example = next((row.email for row in rows if row.two_factor == "yes"), "<e-mail>")
        write("When asked for the code from an authenticator app, get it with (any e-mail above):")
        write(f"    {schoolkeep_executable()} demo-code --email {example}")
        write("(a code lasts 30 seconds and works once; run the command again for a fresh one)")
        invitations = demo_pending_invitations()
        if invitations:
            write("")
            for invitation in invitations:
                write(
                    f"Pending invitation: {invitation.email} to {invitation.school.name}"
                    " (on the Members page)"
                )


def _table(rows: list[DemoLogin]) -> list[str]:
    header = ("E-mail", "School", "Roles", "Two-factor")
    cells = []
    previous = ""
    for row in rows:
        email = row.email if row.email != previous else ""
        if not row.active and email:
            email += " (deactivated)"
        cells.append((email, row.place, row.roles, row.two_factor))
        previous = row.email
    widths = [max(len(str(line[i])) for line in [header, *cells]) for i in range(3)]
    lines = []
    for line in [header, *cells]:
        lines.append(
            "  ".join(str(value).ljust(widths[i]) for i, value in enumerate(line[:3]))
            + "  "
            + line[3]
        )
    return [line.rstrip() for line in lines]
