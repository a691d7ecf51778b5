"""What the controls part of the compliance app registers at start-up: its audit labels
(the controls' duties are the state part's, in ``state/duties.py``)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.compliance.controls import services

    register_action_labels(services.ACTION_LABELS)
