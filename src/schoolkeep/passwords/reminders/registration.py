"""What the reminders and personal links register at start-up: their audit labels and the
daily reminder e-mails' tick."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.passwords.reminders import links, sending

    register_action_labels(links.ACTION_LABELS)
    register_action_labels(sending.ACTION_LABELS)
    sending.register()
