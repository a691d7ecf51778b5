"""What the coverage part of the access app registers at start-up: the access duty
provider (two-factor, administrators, unmatched and shared accounts) and its audit labels.
Its measures (``access.measures``) are registered by the overview with the others'."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.access import duties  # noqa: F401  (registers the duty provider)
    from schoolkeep.access.coverage.services import ACTION_LABELS
    from schoolkeep.audit.actions import register_action_labels

    register_action_labels(ACTION_LABELS)
