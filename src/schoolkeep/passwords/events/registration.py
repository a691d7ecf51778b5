"""What the forced changes register at start-up: their audit labels."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.passwords.events.services import ACTION_LABELS

    register_action_labels(ACTION_LABELS)
