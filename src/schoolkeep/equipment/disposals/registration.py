"""What the disposals part of the equipment app registers at start-up: its duty provider
(``disposals.without-certificate``), its audit labels and its demo step (Larkspur's batch,
order 370, after the inventory at 360). Its measure (``disposals.certified``) is listed in
``overview.apps.MEASURE_MODULES``."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.equipment.disposals import duties, exports, pack, services
    from schoolkeep.equipment.disposals.demo import build_demo_disposals

    register_action_labels(services.ACTION_LABELS)
    register_action_labels(exports.ACTION_LABELS)
    register_action_labels(pack.ACTION_LABELS)
    duties.register()
    register_step("equipment_disposals", build_demo_disposals, order=370)
