"""What the policydoc part of the compliance app registers at start-up: its audit labels
(the document made, and sent to the policy register for approval)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.compliance.policydoc import services

    register_action_labels(services.ACTION_LABELS)
