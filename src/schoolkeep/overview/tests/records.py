"""Records of every measured kind for the overview's tests, written as the modules' own
tests write them: people with their kept facts, assets through the service, policies with
an approved version or not, incident reports with their ICO decisions, AUPs published and
signed. ``fill`` gives a school a known mix, and returns the figures it must show."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion, SigningMethod
from schoolkeep.agreements.aups.services import aups_set_up, version_publish
from schoolkeep.agreements.parents.services import parent_create
from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.agreements.signing.services import signature_create
from schoolkeep.assets.models import Asset, OutsideOrganisation
from schoolkeep.assets.services import asset_create, group_get_or_create
from schoolkeep.incidents.models import Decision, Incident, Kind
from schoolkeep.lib.text import fold
from schoolkeep.overview.types import Counted
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.tenancy.models import School

_numbers = iter(range(1, 1_000_000))


def person(school: School, name: str, kind: str = PersonKind.SUPPORT, **fields: Any) -> Person:
    return Person.objects.create(school=school, full_name=name, name_key=fold(name), kind=kind,
                                 uses_school_network=True, **fields)


def policy(school: School, title: str, *, approved: bool, next_review_on: date | None) -> Policy:
    found = Policy.objects.create(school=school, title=title, title_key=fold(title),
                                  next_review_on=next_review_on)
    if approved:
        version = PolicyVersion.objects.create(
            school=school, policy=found, number=1, source=PolicyVersion.Source.TYPED,
            status=PolicyVersion.Status.APPROVED, text="Text", content_hash="0" * 64)
        found.current_version = version
        found.save(update_fields=["current_version"])
    return found


def incident(school: School, *, aware_at: datetime, kind: str = Kind.BREACH,
             decided_after: timedelta | None = None, sent_after: timedelta | None = None,
             tell: bool = False) -> Incident:
    """A report; with ``decided_after``, its ICO decision (to report it when ``tell``, sent
    ``sent_after`` awareness when given)."""
    number = next(_numbers)
    found = Incident.objects.create(
        school=school, reference=f"BR-2026-{number:04d}", reference_year=2026,
        reference_number=number, channel="app", title="Something", description="Something",
        received_at=aware_at, aware_at=aware_at, kind=kind)
    if decided_after is not None:
        Decision.objects.create(
            school=school, incident=found, kind=Decision.Kind.ICO, tell=tell,
            reason="Risk assessed", decided_by_label="DPO", decided_at=aware_at + decided_after,
            told_at=aware_at + sent_after if sent_after is not None else None)
    return found


def published_aups(school: School) -> dict[str, Aup]:
    aups = {aup.audience: aup for aup in aups_set_up(school=school, actor=None)}
    for audience in (Audience.STAFF, Audience.PARENTS):
        draft = AupVersion.objects.get(aup=aups[audience], published_at__isnull=True)
        version_publish(draft=draft, actor=None, requires_everyone_to_sign=True)
        aups[audience].refresh_from_db()
    return aups


def sign(aup: Aup, **signer: Any) -> None:
    signature_create(aup=aup, method=SigningMethod.IN_APP, typed_name="Some Signer", **signer)


def fill(school: School, *, now: datetime) -> dict[str, Counted]:
    """A school with something met and something not in every measure; the figures it must
    show, worked out by hand. Written by the system (no actor), as an import would."""
    today = now.date()
    # People: 4 current (2 complete), one of them agency without confirmation; a leaver.
    person(school, "Ann Complete")
    person(school, "Bob Complete", kind=PersonKind.AGENCY)
    person(school, "Cat Missing", checks_missing=True)
    agency = person(school, "Dan Agency", kind=PersonKind.AGENCY,
                    agency_confirmation_missing=True)
    person(school, "Eve Left", checks_missing=True, start_date=today - timedelta(days=400),
           leaving_date=today - timedelta(days=1))
    # Assets: 4 current, 2 owned (a current person, an organisation), 1 owned by the leaver,
    # 1 unmatched; 1 overdue for review; an archived one counts for nothing.
    group = group_get_or_create(school=school, name="Pupil records", actor=None)
    left = Person.objects.get(school=school, full_name="Eve Left")
    firm = OutsideOrganisation.objects.create(school=school, name="Backup Co",
                                              name_key="backup co")
    asset_create(school=school, actor=None, group=group, name="Admissions", owner_person=agency)
    asset_create(school=school, actor=None, group=group, name="Backups",
                 owner_organisation=firm)
    asset_create(school=school, actor=None, group=group, name="Old files", owner_person=left)
    late = asset_create(school=school, actor=None, group=group, name="Registers",
                        owner_unmatched="Mrs Smith")
    Asset.objects.filter(pk=late.pk).update(review_due_on=today - timedelta(days=1))
    gone = asset_create(school=school, actor=None, group=group, name="Archived")
    Asset.objects.filter(pk=gone.pk).update(archived_at=now)
    # Policies: 3 current: in date, past review, never approved; one archived.
    policy(school, "Data protection", approved=True, next_review_on=today)
    policy(school, "Online security", approved=True, next_review_on=today - timedelta(days=1))
    policy(school, "Retention", approved=False, next_review_on=None)
    Policy.objects.filter(pk=policy(school, "Old", approved=True, next_review_on=None).pk
                          ).update(archived_at=now)
    # Incidents, 5 counted: not reporting decided in time, and late; undecided past the
    # deadline; reported and sent in time; decided to report in time, sent late. Pending (2):
    # running undecided, running decided to report but not sent. Not counted: a near miss,
    # one older than a year.
    hour = timedelta(hours=1)
    incident(school, aware_at=now - timedelta(days=10), decided_after=71 * hour)
    incident(school, aware_at=now - timedelta(days=20), decided_after=73 * hour)
    incident(school, aware_at=now - 80 * hour)
    incident(school, aware_at=now - timedelta(days=3, hours=1), decided_after=10 * hour,
             tell=True, sent_after=60 * hour)
    incident(school, aware_at=now - timedelta(days=6), decided_after=10 * hour, tell=True,
             sent_after=100 * hour)
    incident(school, aware_at=now - 10 * hour)
    incident(school, aware_at=now - 20 * hour, decided_after=5 * hour, tell=True)
    incident(school, aware_at=now - timedelta(days=5), kind=Kind.NEAR_MISS)
    incident(school, aware_at=now - timedelta(days=400), decided_after=timedelta(hours=100))
    # AUPs: staff (the 4 current people use the network): 1 signed; parents: 1 of 2.
    aups = published_aups(school)
    sign(aups[Audience.STAFF], person=agency)
    first = parent_create(school=school, actor=None, full_name="Pat Parent")
    parent_create(school=school, actor=None, full_name="Sam Parent")
    sign(aups[Audience.PARENTS], parent=first)
    return {
        "people.record-complete": (2, 4), "people.agency-confirmed": (1, 2),
        "assets.owned": (2, 4), "assets.reviewed": (3, 4),
        "policies.in-date": (1, 3),
        "incidents.settled-in-time": (2, 5, 2),
        "aups.signed-staff": (1, 4), "aups.signed-parents": (1, 2),
    }
