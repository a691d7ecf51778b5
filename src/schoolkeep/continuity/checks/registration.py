"""What the checks part of the continuity app registers at start-up: its audit labels, its
duty providers (``backup_checks`` and ``restore_tests``), the tick that brings Schoolkeep's
own sets up to date after the nightly backup, and its demo step (405, after the scopes and
sets at 400)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.continuity.checks import duties, ticks
    from schoolkeep.continuity.checks.demo import build_demo_checks
    from schoolkeep.continuity.checks.exports import ACTION_LABELS as EXPORT_LABELS
    from schoolkeep.continuity.checks.install import ACTION_LABELS as INSTALL_LABELS
    from schoolkeep.continuity.checks.services import ACTION_LABELS
    from schoolkeep.demo.builder import register_step

    register_action_labels(ACTION_LABELS)
    register_action_labels(EXPORT_LABELS)
    register_action_labels(INSTALL_LABELS)
    duties.register()
    ticks.register()
    register_step("continuity_checks", build_demo_checks, order=405)
