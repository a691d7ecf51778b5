"""What the searches part registers when Django starts: its audit labels. (The duty of an
open search is the duties part's, through ``selectors.open_tasks_for``.)"""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.inforequests.searches.services import ACTION_LABELS

    register_action_labels(ACTION_LABELS)
