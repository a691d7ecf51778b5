"""What the inventory part of the equipment app registers at start-up: its audit labels,
its duty provider (``equipment.unencrypted-personal-data``) and its demo step (Larkspur's
devices, order 360). Its measure (``measures.py``) is registered by the overview."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.equipment.inventory import duties
    from schoolkeep.equipment.inventory.demo import build_demo_inventory
    from schoolkeep.equipment.inventory.exports import ACTION_LABELS as EXPORT_LABELS
    from schoolkeep.equipment.inventory.services import ACTION_LABELS

    register_action_labels(ACTION_LABELS)
    register_action_labels(EXPORT_LABELS)
    duties.register()
    register_step("equipment_inventory", build_demo_inventory, order=360)
