"""What the plan part of the continuity app registers at start-up: its duty provider
(``recovery_plan.missing`` and ``.untested``, for the SIRO), its audit labels and its demo
step (Larkspur's plan, order 410, after the scopes and sets at 400 and the checks at 405).
Its measure (``recovery_plan.tested``, area "backups") is listed in
``overview.apps.MEASURE_MODULES``."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.continuity.plan import duties, services
    from schoolkeep.continuity.plan.demo import build_demo_plan
    from schoolkeep.demo.builder import register_step

    register_action_labels(services.ACTION_LABELS)
    duties.register()
    register_step("continuity_plan", build_demo_plan, order=410)
