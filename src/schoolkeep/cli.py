"""The ``schoolkeep`` console script: Django's management commands under one name.

``schoolkeep a-b`` runs the command ``a_b``; ``schoolkeep audit verify`` and
``schoolkeep token create`` pass their subcommand on.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolkeep.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "schoolkeep"
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"schoolkeep: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
