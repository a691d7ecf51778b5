"""What the state part of the compliance app registers at start-up: the audit label of a
snapshot asked for by a person, the duty provider of module ``compliance`` (controls to
confirm, controls not met), and two scheduler ticks: ``compliance.snapshots`` (every
school's nightly snapshot, after 02:30 Europe/London) and ``compliance.control-statuses``
(every school's control statuses, hourly); and the demo step (Larkspur's owners,
confirmations, a year of snapshots and a governor pack; order 900, after everything)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.compliance.state import duties, snapshots
    from schoolkeep.compliance.state.demo import build_demo_compliance
    from schoolkeep.demo.builder import register_step
    from schoolkeep.duties.scheduler import register_tick

    register_action_labels(snapshots.ACTION_LABELS)
    register_tick(snapshots.NIGHTLY_JOB, snapshots.nightly_tick)
    register_tick(snapshots.HOURLY_JOB, snapshots.hourly_tick)
    duties.register()
    register_step("compliance", build_demo_compliance, order=900)
