"""What the rules part of the training app registers at start-up: the duty provider of the
DfE's training rule (``training``) and the audit labels of the matrix export and settings."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.training.rules import duties
    from schoolkeep.training.rules.services import ACTION_LABELS

    register_action_labels(ACTION_LABELS)
    duties.register()
