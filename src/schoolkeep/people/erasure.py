"""The people provider of Schoolkeep's own erasure (``privacy.erasure``).

A leaver is due once the school's period for leavers (``OWN_LEAVERS`` in the retention
schedule) has run from their leaving date. They wait while their leaver checklist is open
or the DPO holds their erasure (an allegation, litigation, an open request about them).
Erasing them (``privacy.erasure.people.erase_people``) asks every provider to erase what it
holds about them; this provider's own part is their checks, the exceptions to the rules and
the certificate copies with their files.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q

from schoolkeep.people.models import CertificateCopy, Check, CheckOverride, Person
from schoolkeep.privacy.erasure.registry import DueItem, run_date
from schoolkeep.privacy.schedule.keys import OWN_LEAVERS

PERSON_LABEL = "people.person"
OPEN_CHECKLIST = "Their leaver checklist is not finished yet."


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


class PeopleProvider:
    name = "people"
    covers = frozenset({PERSON_LABEL, "people.check", "people.checkoverride",
                        "people.certificatecopy", "privacy.erasurehold"})

    def due(self, school: Any, *, today: date, limit: int) -> list[DueItem]:
        from schoolkeep.privacy.schedule.rules import latest_event_on, retention_ends_on
        from schoolkeep.privacy.schedule.selectors import effective_record_type

        rule = effective_record_type(school, OWN_LEAVERS)
        latest = latest_event_on(rule, today, school=school)
        rows = (Person.objects.filter(school=school, leaving_date__isnull=False,
                                      leaving_date__lte=latest)
                .order_by("leaving_date", "pk").values_list("pk", "leaving_date")[:limit])
        return [DueItem(provider=self.name, record_type_key=OWN_LEAVERS,
                        model_label=PERSON_LABEL, pk=pk,
                        ends_on=retention_ends_on(rule, left, school=school),
                        description=f"A leaver who left on {_day(left)}")
                for pk, left in rows if left is not None]

    def holds(self, school: Any, items: list[DueItem]) -> dict[int, str]:
        from schoolkeep.leavers.models import Checklist
        from schoolkeep.privacy.erasure.models import ErasureHold

        pks = [item.pk for item in items if item.model_label == PERSON_LABEL]
        if not pks:
            return {}
        today = run_date()  # the run's date: a hold until a day ends on the run's day
        reasons: dict[int, str] = {}
        for person_id in (Checklist.objects.filter(
                school=school, person_id__in=pks, kind=Checklist.Kind.LEAVER,
                closed_at__isnull=True).values_list("person_id", flat=True)):
            reasons[person_id] = OPEN_CHECKLIST
        holds = (ErasureHold.objects.filter(school=school, person_id__in=pks,
                                            released_at__isnull=True)
                 .filter(Q(until__isnull=True) | Q(until__gte=today))
                 .order_by("created_at"))
        for hold in holds:  # a DPO's hold says more than the checklist: it wins
            if hold.person_id is not None:
                reasons[hold.person_id] = (
                    f"Held by the DPO: {hold.get_reason_display().lower()}.")
        return reasons

    def erase(self, school: Any, items: list[DueItem], *, now: datetime) -> int:
        from schoolkeep.privacy.erasure.people import erase_people

        pks = [item.pk for item in items if item.model_label == PERSON_LABEL]
        return erase_people(school, pks, now=now)

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        """Their checks (the DBS number and its keyed hash with them), the exceptions, the
        certificate copies and their files, and the DPO's released holds."""
        from schoolkeep.people.services import copies_dir
        from schoolkeep.privacy.erasure.models import ErasureHold

        copies = CertificateCopy.objects.filter(check_record__person_id__in=person_ids)
        folder = copies_dir()
        paths = [folder / name for name in copies.values_list("stored_name", flat=True)]
        count = copies.delete()[0]
        count += CheckOverride.objects.filter(person_id__in=person_ids).delete()[0]
        count += Check.objects.filter(person_id__in=person_ids).delete()[0]
        count += ErasureHold.objects.filter(person_id__in=person_ids).delete()[0]
        if paths:  # the files go once the rows are gone for good
            transaction.on_commit(lambda: _remove_files(paths))
        return count


def register_subjects() -> None:
    """The audit trail's events about a person's checks, exceptions and copies are theirs
    (``audit.subjects``): their values are sealed with the person's key and forgotten with
    it."""
    from schoolkeep.audit.subjects import register_subject

    register_subject(PERSON_LABEL, lambda p: (PERSON_LABEL, str(p.pk)))
    for label in ("people.check", "people.checkoverride"):
        register_subject(label, _by_person_id)
    register_subject("privacy.erasurehold", _hold_person)
    register_subject("people.certificatecopy", _copy_person)


def _by_person_id(record: Any) -> tuple[str, str]:
    return PERSON_LABEL, str(record.person_id)


def _hold_person(hold: Any) -> tuple[str, str] | None:
    # A hold on another record (an incident, a request) is about no person of the register.
    return (PERSON_LABEL, str(hold.person_id)) if hold.person_id else None


def _copy_person(copy: Any) -> tuple[str, str]:
    # A copy reaches its person through its check (cached by the services that audit it).
    return PERSON_LABEL, str(copy.check_record.person_id)
