"""What the courses part of the training app registers at start-up: its audit labels."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.training.courses.services import ACTION_LABELS

    register_action_labels(ACTION_LABELS)
