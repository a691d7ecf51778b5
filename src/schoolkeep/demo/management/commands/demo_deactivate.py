"""``schoolkeep demo-deactivate``: switch every demo member off, in any environment.

Production refuses to start while a demo member is active; this is the way out. Each member's
account is deactivated through the accounts service, which revokes their API tokens and ends
their sessions, and is audited as the command-line user.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from schoolkeep.accounts.models import User
from schoolkeep.accounts.services import user_deactivate_account
from schoolkeep.audit.context import audit_context, cli_actor_label


class Command(BaseCommand):
    help = (
        "Deactivate every demo member (ending their sessions and revoking their API tokens), "
        "so that production can start. Works in every environment."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        users = list(User.objects.filter(is_demo=True, is_active=True).order_by("pk"))
        if not users:
            self.stdout.write("No demo member is active; nothing was changed.")
            return
        with audit_context(actor_label=cli_actor_label()), transaction.atomic():
            for user in users:
                user_deactivate_account(user=user, actor=None)
        self.stdout.write(f"Deactivated {len(users)} demo member(s).")
