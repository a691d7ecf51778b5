"""What the intake part registers when Django starts: its audit labels."""

from __future__ import annotations

from schoolkeep.audit.actions import register_action_labels


def register() -> None:
    from schoolkeep.inforequests.intake import public, services

    register_action_labels({**services.ACTION_LABELS, **public.ACTION_LABELS})
