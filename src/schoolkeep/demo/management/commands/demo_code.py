"""``schoolkeep demo-code --email E``: a demo member's current two-factor code."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolkeep.demo.guard import refuse_in_production
from schoolkeep.demo.selectors import NoDemoCode, demo_totp_code


class Command(BaseCommand):
    help = (
        "Print a demo member's current six-digit two-factor code, alone on one line "
        "(development only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The demo member's e-mail address.")

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_in_production("demo-code")
        try:
            code, seconds_left = demo_totp_code(options["email"])
        except NoDemoCode as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(code)
        if options["verbosity"] > 1:
            self.stderr.write(f"(valid for another {seconds_left} seconds)")
