"""What the progress part registers when Django starts: the labels of its audit actions."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.inforequests.progress.services import ACTION_LABELS

    register_action_labels(ACTION_LABELS)
