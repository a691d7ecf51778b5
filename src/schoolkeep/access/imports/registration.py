"""What the user-list part of the access app registers at start-up: its audit label."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.access.imports.writing import ACTION_LABELS
    from schoolkeep.audit.actions import register_action_labels

    register_action_labels(ACTION_LABELS)
