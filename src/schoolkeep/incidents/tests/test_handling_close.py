"""Actions, lessons learned, closing and reopening."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.incidents.handling.actions import (
    action_add,
    action_drop,
    action_mark_done,
    action_update,
)
from schoolkeep.incidents.handling.decisions import decision_record
from schoolkeep.incidents.handling.services import (
    CannotClose,
    incident_close,
    incident_record_lessons,
    incident_reopen,
)
from schoolkeep.incidents.models import Action, Decision, Kind, Status
from schoolkeep.incidents.tests.test_handling_triage import assess, events, report, triage
from schoolkeep.lib.errors import DomainError, StaleVersion

DUE = date(2026, 6, 1)


def add(incident, personas: Personas, **fields) -> Action:
    values = {"kind": Action.Kind.CONTAINMENT, "description": "Change the shared password",
              "owner": personas.siro, "due_on": DUE}
    values.update(fields)
    return action_add(incident=incident, actor=personas.siro, **values)


def decide_all(incident, personas: Personas) -> None:
    now = timezone.now()
    decision_record(incident=incident, actor=personas.dpo, kind=Decision.Kind.ICO, tell=True,
                    told_at=now, reason="A risk to pupils.")
    decision_record(incident=incident, actor=personas.dpo, kind=Decision.Kind.PEOPLE,
                    tell=False, reason="The risk to them is not high.")


# ---------------------------------------------------------------------------- actions


def test_an_action_has_an_owner_from_the_school_and_a_due_date(personas: Personas) -> None:
    incident = triage(report(personas), personas.siro)
    for fields, field in (({"owner": None}, "owner"), ({"owner": personas.outsider}, "owner"),
                          # nobody but the DPO and SIRO may learn that a report exists
                          ({"owner": personas.it_lead}, "owner"),
                          ({"owner": personas.auditor}, "owner"),
                          ({"due_on": None}, "due_on"), ({"description": " "}, "description"),
                          ({"kind": "wish"}, "kind")):
        with pytest.raises(DomainError) as error:
            add(incident, personas, **fields)
        assert error.value.field == field
    action = add(incident, personas)
    assert action.state == Action.State.OPEN and action.owner == personas.siro
    event = events(incident)[-1]
    assert event.action == "incidents.action.added"
    assert event.changes["description"] == {"before": "changed", "after": "changed"}
    assert event.changes["owner"] == {"before": None, "after": str(personas.siro)}


def test_an_action_is_changed_done_or_dropped_with_a_reason(personas: Personas) -> None:
    incident = triage(report(personas), personas.siro)
    action = add(incident, personas)
    changed = action_update(action=action, actor=personas.dpo, version=action.version,
                            kind=Action.Kind.REMEDIAL, description="Train the office",
                            owner=personas.siro, due_on=DUE + timedelta(days=7))
    assert changed.version == 2 and changed.kind == Action.Kind.REMEDIAL
    with pytest.raises(StaleVersion):
        action_mark_done(action=action, actor=personas.dpo, version=1)
    done = action_mark_done(action=changed, actor=personas.dpo, version=changed.version)
    assert done.state == Action.State.DONE and done.done_at is not None
    with pytest.raises(DomainError, match="done"):
        action_drop(action=done, actor=personas.dpo, version=done.version, reason="No")
    other = add(incident, personas)
    with pytest.raises(DomainError) as error:
        action_drop(action=other, actor=personas.dpo, version=other.version, reason="")
    assert error.value.field == "reason"
    dropped = action_drop(action=other, actor=personas.dpo, version=other.version,
                          reason="The supplier did it for us.")
    assert dropped.state == Action.State.DROPPED
    assert dropped.drop_reason == "The supplier did it for us."
    codes = [e.action for e in events(incident)]
    assert codes[-4:] == ["incidents.action.changed", "incidents.action.done",
                          "incidents.action.added", "incidents.action.dropped"]


# ---------------------------------------------------------------------------- closing


def test_closing_needs_triage_first(personas: Personas) -> None:
    incident = report(personas)
    with pytest.raises(CannotClose) as error:
        incident_close(incident=incident, actor=personas.siro, version=incident.version)
    assert error.value.missing == ["Triage the report first."]
    assert error.value.field is None


def test_closing_a_breach_lists_everything_missing(personas: Personas) -> None:
    incident = triage(report(personas), personas.siro)
    add(incident, personas)
    with pytest.raises(CannotClose) as error:
        incident_close(incident=incident, actor=personas.siro, version=incident.version)
    missing = " ".join(error.value.missing)
    assert "Assess the risk" in missing
    assert "decision about reporting to the ICO" in missing
    assert "decision about telling the people affected" in missing
    assert "1 action is still to do" in missing
    incident.refresh_from_db()
    assert incident.status == Status.OPEN


def test_a_breach_closes_with_its_decisions_and_every_action_settled(
        personas: Personas) -> None:
    incident = assess(triage(report(personas), personas.siro), personas.dpo, 2, 2)
    decide_all(incident, personas)
    first, second = add(incident, personas), add(incident, personas)
    action_mark_done(action=first, actor=personas.siro, version=first.version)
    with pytest.raises(CannotClose, match="1 action is still to do"):
        incident_close(incident=incident, actor=personas.siro, version=incident.version)
    action_drop(action=second, actor=personas.siro, version=second.version,
                reason="Covered by the first.")
    closed = incident_close(incident=incident, actor=personas.siro, version=incident.version)
    assert closed.status == Status.CLOSED and closed.closed_by_label == str(personas.siro)
    assert events(closed)[-1].action == "incidents.incident.closed"


def test_a_decision_that_no_longer_fits_the_risk_blocks_closing(personas: Personas) -> None:
    incident = assess(triage(report(personas), personas.siro), personas.dpo, 1, 1)
    decision_record(incident=incident, actor=personas.dpo, kind=Decision.Kind.ICO, tell=False,
                    reason="Harmless.")
    decision_record(incident=incident, actor=personas.dpo, kind=Decision.Kind.PEOPLE,
                    tell=False, reason="Harmless.")
    incident = assess(incident, personas.dpo, 3, 3)  # reassessed: now a high risk
    with pytest.raises(CannotClose) as error:
        incident_close(incident=incident, actor=personas.siro, version=incident.version)
    missing = " ".join(error.value.missing)
    assert "no longer fits the risk" in missing and "must be told" in missing


def test_a_near_miss_closes_without_decisions(personas: Personas) -> None:
    incident = triage(report(personas), personas.siro, kind=Kind.NEAR_MISS)
    assert incident_close(incident=incident, actor=personas.dpo,
                          version=incident.version).status == Status.CLOSED


def test_a_closed_report_is_reopened_with_a_reason_and_changes_nothing_else(
        personas: Personas) -> None:
    incident = triage(report(personas), personas.siro, kind=Kind.SECURITY)
    closed = incident_close(incident=incident, actor=personas.siro, version=incident.version)
    for change in (
        lambda: incident_record_lessons(incident=closed, actor=personas.siro,
                                        version=closed.version, lessons_learned="More"),
        lambda: add(closed, personas),
        lambda: decision_record(incident=closed, actor=personas.siro,
                                kind=Decision.Kind.POLICE, tell=False, reason="No crime"),
    ):
        with pytest.raises(DomainError, match="closed"):
            change()
    with pytest.raises(DomainError) as error:
        incident_reopen(incident=closed, actor=personas.siro, version=closed.version,
                        reason="")
    assert error.value.field == "reason"
    reopened = incident_reopen(incident=closed, actor=personas.siro, version=closed.version,
                               reason="The supplier found more.")
    assert reopened.status == Status.OPEN and reopened.closed_at is None
    assert events(reopened)[-1].changes["reason"] == "recorded"  # a narrative: not in the trail
    assert reopened.reopen_reason == "The supplier found more."
    with pytest.raises(DomainError, match="not closed"):
        incident_reopen(incident=reopened, actor=personas.siro, version=reopened.version,
                        reason="Again")


def test_lessons_are_recorded_and_audited_only_as_changed(personas: Personas) -> None:
    incident = triage(report(personas), personas.siro)
    saved = incident_record_lessons(incident=incident, actor=personas.dpo,
                                    version=incident.version,
                                    lessons_learned="Encrypt every laptop.")
    saved.refresh_from_db()
    assert saved.lessons_learned == "Encrypt every laptop."
    event = events(saved)[-1]
    assert event.changes == {"lessons_learned": {"before": "changed", "after": "changed"}}
