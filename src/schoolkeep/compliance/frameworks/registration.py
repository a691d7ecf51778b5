"""What the frameworks part of the compliance app registers at start-up: the audit labels
of a school's own wording of a framework (``frameworks.services``)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.compliance.frameworks import services

    register_action_labels(services.ACTION_LABELS)
