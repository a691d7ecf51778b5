"""What the incidents app erases (``privacy.erasure``).

A closed incident past its period (``OWN_INCIDENTS``, from the day it was closed) keeps its
row, because the breach log must list every breach: its reference, dates, kind, categories,
counts, risk and decisions stay; the names and the narrative go (who reported it and how to
reach them, what they said, the reasons, lessons and actions). An erased incident's
description is empty, which no live incident's is: that is how it is not erased twice.

For a person being erased: their user loses the links to the incidents they reported (with
the reporter's name and contact given then), decided or own; their name leaves the labels.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction

from schoolkeep.accounts.erasure import (
    PersonDataOnly,
    blank_labels,
    day_words,
    due_items,
    end_of,
    names_of,
    own_period,
    unset,
    users_of,
)
from schoolkeep.incidents.models import Action, Decision, Incident, Status
from schoolkeep.privacy.erasure.registry import DueItem, register_provider
from schoolkeep.privacy.schedule.keys import OWN_INCIDENTS

INCIDENT = "incidents.incident"
ERASED_TITLE = "Details erased at the end of the retention period"

# The narrative and names of an incident: what the erasure empties.
NARRATIVE = ("reporter_name", "reporter_contact", "description", "data_involved",
             "data_categories_other", "likelihood_rationale", "severity_rationale",
             "risk_override_reason", "lessons_learned", "aware_at_reason", "reopen_reason")
LABELS = ("triaged_by_label", "risk_override_by_label", "closed_by_label")


class IncidentsErasure(PersonDataOnly):
    name = "incidents"
    covers = frozenset({INCIDENT, "incidents.decision", "incidents.action"})

    def due(self, school: Any, *, today: date, limit: int) -> list[DueItem]:
        rule, latest = own_period(school, OWN_INCIDENTS, today)
        rows = (Incident.objects.filter(school=school, status=Status.CLOSED,
                                        closed_at__lte=end_of(latest))
                .exclude(description="").order_by("closed_at", "pk")
                .values_list("pk", "closed_at")[:limit])
        return due_items(school, provider=self.name, key=OWN_INCIDENTS, model_label=INCIDENT,
                         rule=rule, rows=rows,
                         describe=lambda d: f"An incident closed on {day_words(d)}")

    def erase(self, school: Any, items: list[DueItem], *, now: datetime) -> int:
        pks = [item.pk for item in items if item.model_label == INCIDENT]
        if not pks:
            return 0
        with transaction.atomic():
            # Only still closed ones (an incident reopened since the list was made waits) and
            # not erased already (re-applied after a restore): the runner keeps the
            # tombstones and the ledger.
            pks = list(Incident.objects.filter(school=school, pk__in=pks, status=Status.CLOSED)
                       .exclude(description="").values_list("pk", flat=True))
            count = Incident.objects.filter(pk__in=pks).update(
                title=ERASED_TITLE, reported_by=None, **{field: "" for field in NARRATIVE},
                **{label: "" for label in LABELS})
            Decision.objects.filter(incident_id__in=pks).update(
                reason="", late_reason="", decided_by=None, decided_by_label="")
            Action.objects.filter(incident_id__in=pks).update(description="", drop_reason="",
                                                              owner=None)
        return count

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        user_ids = users_of(person_ids)
        incidents = Incident.objects.filter(school=school)
        count = 0
        if user_ids:
            # What they gave as reporter when signed in is theirs.
            count += incidents.filter(reported_by_id__in=user_ids).update(
                reported_by=None, reporter_name="", reporter_contact="")
        decisions = Decision.objects.filter(school=school)
        count += unset([(decisions, "decided_by_id"),
                        (Action.objects.filter(school=school), "owner_id")], user_ids)
        count += blank_labels([(incidents, label) for label in LABELS]
                              + [(decisions, "decided_by_label")], names_of(person_ids))
        return count


def register() -> None:
    register_provider(IncidentsErasure())
