"""What the accounts part of the access app registers at start-up: its audit labels and
its demo step (Larkspur's accounts, after the systems at 300)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.access.accounts.services import ACTION_LABELS
    from schoolkeep.audit.actions import register_action_labels

    register_action_labels(ACTION_LABELS)
