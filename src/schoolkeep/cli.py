"""The ``schoolkeep`` console script: Django's management commands under one name.

``schoolkeep a-b`` runs the command ``a_b``; ``schoolkeep audit verify`` and
``schoolkeep token create`` pass their subcommand on.

Before a command that needs the database, the database must be ready (every migration
applied, the cache table made): otherwise the command stops with one line naming
``schoolkeep upgrade`` (schoolkeep.lib.database_ready). ``--skip-checks`` skips this too.
"""

from __future__ import annotations

import os
import sys

# Commands that run on a database that is not ready: those that prepare it (upgrade, init,
# migrate, createcachetable, restore), those that read only the code, the settings or the
# migration files, and those that take the database as it is: `backup` (an older version's
# database is backed up before it is upgraded) and dbshell.
WITHOUT_READY_DATABASE = frozenset({
    "upgrade", "init", "migrate", "createcachetable", "restore",
    "check", "roles_doc", "makemigrations", "showmigrations", "sqlmigrate",
    "squashmigrations", "optimizemigration", "collectstatic", "findstatic", "diffsettings",
    "sendtestemail", "help", "version",
    "backup", "dbshell",
})


def needs_ready_database(args: list[str]) -> bool:
    if len(args) < 2 or args[1].startswith("-") or "--skip-checks" in args:
        return False
    return args[1] not in WITHOUT_READY_DATABASE


def unready_database_reason(command: str) -> str | None:
    """Why ``command`` may not run on this database yet (None for a command Django does not
    know: it says so itself)."""
    import django
    from django.core.management import get_commands

    django.setup()
    if command not in get_commands():
        return None
    from schoolkeep.lib.database_ready import unready_reason

    return unready_reason()


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolkeep.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "schoolkeep"
    from django.core.exceptions import ImproperlyConfigured

    try:
        if needs_ready_database(args):
            reason = unready_database_reason(args[1])
            if reason:
                sys.stderr.write(f"schoolkeep {args[1].replace('_', '-')}: {reason}\n")
                sys.exit(1)
        from django.core.management import execute_from_command_line

        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"schoolkeep: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
