"""What the inventory part of the equipment app registers at start-up: its audit labels,
its duty provider (``equipment.unencrypted-personal-data``) and its demo step (Larkspur's
devices, order 360)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.equipment.inventory.services import ACTION_LABELS

    register_action_labels(ACTION_LABELS)
