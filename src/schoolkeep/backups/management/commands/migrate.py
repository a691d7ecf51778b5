"""``schoolkeep migrate`` typed at the command line migrates as ``schoolkeep upgrade`` does:
a backup first when migrations are waiting, and ``serve`` stopped if one fails.

Only a plain forward migrate is wrapped. Naming an app or a migration (a deliberate step,
such as rolling back), ``--plan``, ``--check``, ``--fake`` and ``--prune`` run Django's own
command unchanged, as does ``call_command("migrate")`` from code: the test runner creating its
database, ``init`` and ``restore``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import migrate

from schoolkeep.backups.upgrading import migrate_safely

UNWRAPPED_OPTIONS = ("plan", "check_unapplied", "fake", "fake_initial", "prune")


class Command(migrate.Command):
    from_command_line = False

    def run_from_argv(self, argv: list[str]) -> None:
        self.from_command_line = True
        super().run_from_argv(argv)

    def handle(self, *args: Any, **options: Any) -> None:
        plain = not options.get("app_label") and not any(
            options.get(name) for name in UNWRAPPED_OPTIONS)
        if not (self.from_command_line and plain):
            super().handle(*args, **options)
            return
        migrate_safely(lambda: super(Command, self).handle(*args, **options), self.stdout)
