"""What the state part of the compliance app registers at start-up: the audit label of a
snapshot asked for by a person, the duty provider of module ``compliance`` (controls to
confirm, controls not met), and two scheduler ticks: ``compliance.snapshots`` (every
school's nightly snapshot, after 02:30 Europe/London) and ``compliance.control-statuses``
(every school's control statuses, hourly)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.compliance.state import duties, snapshots
    from schoolkeep.duties.scheduler import register_tick

    register_action_labels(snapshots.ACTION_LABELS)
    register_tick(snapshots.NIGHTLY_JOB, snapshots.nightly_tick)
    register_tick(snapshots.HOURLY_JOB, snapshots.hourly_tick)
    duties.register()
