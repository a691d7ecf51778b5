"""What the imports part of the training app registers at start-up: its audit labels (the
import writes no demo data: Larkspur's records come from the records part)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.training.imports.writing import ACTION_LABELS

    register_action_labels(ACTION_LABELS)
