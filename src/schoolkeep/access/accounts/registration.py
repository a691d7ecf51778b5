"""What the accounts part of the access app registers at start-up: its audit labels and
its demo step (Larkspur's accounts, after the systems at 300)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.access.accounts.services import ACTION_LABELS
    from schoolkeep.access.demo import build_demo_accounts
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step

    register_action_labels(ACTION_LABELS)
    register_step("access_accounts", build_demo_accounts, order=320)
