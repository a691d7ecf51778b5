"""The demo's logins as lines of text: printed by ``schoolkeep demo`` and, last of all, by
``schoolkeep serve --demo-logins`` (``make run``), so the password and the ``demo-code``
command are the last thing on the screen."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings

from schoolkeep.agreements.aups.demo import DEMO_KIOSK_PIN
from schoolkeep.demo.builder import DEMO_PASSWORD
from schoolkeep.demo.selectors import DemoLogin, demo_logins, demo_pending_invitations


def schoolkeep_executable() -> str:
    """The full path of the ``schoolkeep`` command that is running (for copy and paste)."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == "schoolkeep" and argv0.exists():
        return str(argv0.resolve())
    beside_python = Path(sys.executable).parent / "schoolkeep"
    if beside_python.exists():
        return str(beside_python.absolute())
    return "schoolkeep"


def login_lines(base_url: str | None = None) -> list[str]:
    rows = demo_logins()
    address = base_url or settings.BASE_URL
    lines = [
        "",
        f"Sign in at {address}/ with an e-mail address below and the password:",
        f"    {DEMO_PASSWORD}",
        "",
        *_table(rows),
    ]
    lines += ["", "The reception kiosk at Larkspur Primary School closes with the PIN "
                  f"{DEMO_KIOSK_PIN}."]
    invitations = demo_pending_invitations()
    if invitations:
        lines.append("")
        lines.extend(f"Pending invitation: {invitation.email} to {invitation.school.name}"
                     " (on the Members page)" for invitation in invitations)
    example = next((row.email for row in rows if row.two_factor == "yes"), "<e-mail>")
    lines += [
        "",
        "When asked for the code from an authenticator app, get it with (any e-mail above):",
        f"    {schoolkeep_executable()} demo-code --email {example}",
        "(a code lasts 30 seconds and works once; run the command again for a fresh one)",
    ]
    return lines


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
