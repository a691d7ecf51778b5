"""What the records part of the training app registers at start-up: its duty provider
(``training_confirm.unconfirmed``), its audit labels and its demo step (Larkspur's courses
and records, at 420)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.training.records import duties
    from schoolkeep.training.records.demo import build_demo_training
    from schoolkeep.training.records.services import ACTION_LABELS

    register_action_labels(ACTION_LABELS)
    duties.register()
    register_step("training_records", build_demo_training, order=420)
