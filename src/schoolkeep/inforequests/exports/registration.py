"""What the exports part registers when Django starts: its audit labels."""

from __future__ import annotations

ACTION_LABELS = {
    "requests.log.exported": "Request log exported",
    "requests.letter.downloaded": "Response letter of a request downloaded",
}


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels

    register_action_labels(ACTION_LABELS)
