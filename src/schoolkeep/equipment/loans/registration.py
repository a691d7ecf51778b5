"""What the loans part of the equipment app registers at start-up: its duty provider
(``loans.overdue``), its audit labels, the leaver checklist's "return equipment" step and
its demo step (Larkspur's two loans, after the inventory at 360)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.equipment.loans import duties
    from schoolkeep.equipment.loans.checklist import return_equipment_steps
    from schoolkeep.equipment.loans.demo import build_demo_loans
    from schoolkeep.equipment.loans.exports import ACTION_LABELS as EXPORT_LABELS
    from schoolkeep.equipment.loans.services import ACTION_LABELS
    from schoolkeep.leavers.models import StepRecord
    from schoolkeep.leavers.step_sources import register_step_source

    register_action_labels(ACTION_LABELS)
    register_action_labels(EXPORT_LABELS)
    duties.register()
    register_step_source(StepRecord.Kind.RETURN_EQUIPMENT, return_equipment_steps)
    register_step("equipment_loans", build_demo_loans, order=365)
