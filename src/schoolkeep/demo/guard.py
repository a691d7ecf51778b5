"""Production refuses to start while a demo member can sign in.

``refuse_if_demo_active()`` is called by ``schoolkeep.wsgi`` (and ``schoolkeep serve``) at start;
the system check ``schoolkeep.E001`` reports the same to ``schoolkeep check --deploy``. The demo
commands themselves refuse to run in production with ``refuse_in_production()``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.db import DatabaseError

FIX = "Run `schoolkeep demo-deactivate` to deactivate every demo member, then start again."


def active_demo_member_count() -> int:
    from schoolkeep.accounts.models import User

    return User.objects.filter(is_demo=True, is_active=True).count()


def _message(count: int) -> str:
    members = "member is" if count == 1 else "members are"
    return f"{count} demo {members} still active, and production refuses to start with them."


def refuse_if_demo_active() -> None:
    """In production, raise ImproperlyConfigured while any demo member is active."""
    if not settings.PRODUCTION:
        return
    count = active_demo_member_count()
    if count:
        raise ImproperlyConfigured(f"{_message(count)} {FIX}")


def check_no_active_demo_members(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """System check schoolkeep.E001 (a deployment check: ``schoolkeep check --deploy``)."""
    if not settings.PRODUCTION:
        return []
    try:
        count = active_demo_member_count()
    except DatabaseError:
        return []  # not migrated yet (or unreachable): there is nothing to inspect
    if not count:
        return []
    return [Error(_message(count), hint=FIX, id="schoolkeep.E001")]


def refuse_in_production(command: str) -> None:
    """The demo commands run only in development."""
    if settings.PRODUCTION:
        raise CommandError(
            f"schoolkeep {command} runs only in development (SCHOOLKEEP_ENV=development); "
            "it refuses to run in production."
        )
