"""What the handling part registers when Django starts: its audit labels."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.inforequests.handling import services

    register_action_labels(services.ACTION_LABELS)
