"""What the scopes part of the continuity app registers at start-up: its audit labels, its
duty provider (``backup_scopes.failing-321``) and its demo step (Larkspur's scopes and
backup sets from the policy, at 400)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.continuity.scopes import duties
    from schoolkeep.continuity.scopes.demo import build_demo_scopes
    from schoolkeep.continuity.scopes.services import ACTION_LABELS
    from schoolkeep.demo.builder import register_step

    register_action_labels(ACTION_LABELS)
    duties.register()
    register_step("continuity_scopes", build_demo_scopes, order=400)
