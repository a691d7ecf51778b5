"""The suppliers' duties (agreement missing, agreement past review, certificate expired, the
yearly review), the DPO's, in a constant number of queries across schools; the measure of
processors with an agreement in date; and slot 0003, which makes the systems' old "DPA on
file" ticks into suppliers."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.duties.types import HORIZON, OVERDUE, Duty, local_date
from schoolkeep.privacy.suppliers import duties
from schoolkeep.privacy.suppliers.measures import AGREEMENTS_IN_DATE
from schoolkeep.privacy.suppliers.measures import provider as measures
from schoolkeep.privacy.suppliers.models import Processor
from schoolkeep.privacy.suppliers.services import processor_archive
from schoolkeep.privacy.tests.suppliers_support import (
    asset,
    in_order,
    organisation,
    supplier,
    system,
)
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db
migration = importlib.import_module("schoolkeep.privacy.migrations.0003_processors")


def _now() -> datetime:
    return timezone.now()


def found(school: School, kind: str = "") -> list[Duty]:
    now = _now()
    every = duties.provider.for_school(school.pk, now=now, horizon=now + HORIZON)
    return [duty for duty in every if not kind or duty.key.startswith(f"{kind}:")]


def test_a_system_with_personal_data_and_no_agreement(personas: Personas) -> None:
    school, today = personas.school, timezone.localdate()
    mis = system(school, "MIS", kind="mis")  # a kind that always holds personal data
    system(school, "Website", kind="website")  # holds none by itself...
    portal = system(school, "Portal", kind="other")
    asset(school, "Pupil records", children_data=True).systems.set([portal])  # ...this does
    system(school, "Printer", kind="other")
    controlled = system(school, "Local authority returns", kind="mis")
    supplier(school, "The Council", role="controller", systems=[controlled])
    missing = found(school, duties.MISSING)
    assert sorted(duty.key for duty in missing) == sorted(
        f"{duties.MISSING}:{s.public_id}" for s in (mis, portal))
    assert all(duty.owner_role == Role.DPO.value for duty in missing)
    assert "Website" not in str(missing)
    # A processor without its agreement keeps the duty; with one on file it goes.
    processor = supplier(school, "MIS Co", systems=[mis])
    assert f"{duties.MISSING}:{mis.public_id}" in {d.key for d in found(school)}
    Processor.objects.filter(pk=processor.pk).update(agreement_on_file=True)
    assert f"{duties.MISSING}:{mis.public_id}" not in {d.key for d in found(school)}
    # Archived, the supplier no longer answers for the system.
    processor_archive(processor, actor=None)
    assert f"{duties.MISSING}:{mis.public_id}" in {d.key for d in found(school)}
    del today


def test_agreement_review_certificates_and_the_yearly_review(personas: Personas) -> None:
    school, today = personas.school, timezone.localdate()
    processor = in_order(school, "Acme Ltd", today=today, cyber_essentials="ce",
                         cyber_essentials_expires_on=today - timedelta(days=2), iso27001=True,
                         iso27001_expires_on=today + timedelta(days=200))
    assert [d.key for d in found(school)] == [f"{duties.CERTIFICATE}:{processor.public_id}:ce"]
    cert = found(school)[0]
    assert cert.status == OVERDUE and "Cyber Essentials" in cert.title
    Processor.objects.filter(pk=processor.pk).update(
        agreement_review_on=today - timedelta(days=1),
        last_reviewed_on=today - timedelta(days=366))
    kinds = sorted(d.key.split(":")[0] for d in found(school))
    assert kinds == [duties.AGREEMENT_REVIEW, duties.CERTIFICATE, duties.REVIEW]
    # Due beyond the horizon: not yet listed.
    Processor.objects.filter(pk=processor.pk).update(
        agreement_review_on=today + HORIZON + timedelta(days=3), last_reviewed_on=today)
    assert [d.key.split(":")[0] for d in found(school)] == [duties.CERTIFICATE]


def test_never_reviewed(personas: Personas) -> None:
    school = personas.school
    new = supplier(school, "New Ltd")
    legacy = supplier(school, "Old Ltd")
    Processor.objects.filter(pk=legacy.pk).update(legacy=True)
    reviews = {d.key: d for d in found(school, duties.REVIEW)}
    assert set(reviews) == {f"{duties.REVIEW}:{legacy.public_id}"}  # at once when legacy
    assert reviews[f"{duties.REVIEW}:{legacy.public_id}"].due_at == local_date(
        legacy.created_at)
    del new


def test_counts_equal_the_duties_in_constant_queries(personas: Personas) -> None:
    def build(school: School) -> None:
        mis = system(school, "MIS", kind="mis")
        supplier(school, "Late Ltd", systems=[mis],
                 agreement_review_on=timezone.localdate() - timedelta(days=3),
                 agreement_signed_on=timezone.localdate() - timedelta(days=900))

    now = _now()
    schools = [personas.school, SchoolFactory()]
    for school in schools:
        build(school)
    ids = [school.pk for school in schools]
    with CaptureQueriesContext(connection) as few:
        counts = duties.provider.counts(ids, now=now, horizon=now + HORIZON)
    for school in schools:
        listed = duties.provider.for_school(school.pk, now=now, horizon=now + HORIZON)
        assert counts[school.pk].total == len(listed) == 2  # no agreement; its review date
    more = [SchoolFactory() for _ in range(5)]
    for school in more:
        build(school)
    with CaptureQueriesContext(connection) as many:
        duties.provider.counts(ids + [s.pk for s in more], now=now, horizon=now + HORIZON)
    assert len(many) == len(few)


def test_the_measure_of_agreements_in_date(personas: Personas) -> None:
    school, today = personas.school, timezone.localdate()
    in_order(school, "Fine Ltd", today=today)
    late = in_order(school, "Late Ltd", today=today)
    Processor.objects.filter(pk=late.pk).update(agreement_review_on=today - timedelta(days=1))
    supplier(school, "Missing Ltd")
    supplier(school, "The Council", role="controller")  # not a processor: not counted
    other = SchoolFactory()
    in_order(other, "Fine Ltd", today=today)
    with CaptureQueriesContext(connection) as queries:
        figures = measures.figures([school.pk, other.pk], now=datetime.now(UTC))
    assert len(queries) == 1
    assert figures == {school.pk: {AGREEMENTS_IN_DATE: (1, 3)},
                       other.pk: {AGREEMENTS_IN_DATE: (1, 1)}}


class _Ticked:
    """The historical System model as the migration reads it (the live model no longer has
    the tick): the systems given stand for those ticked."""

    def __init__(self, ticked: list[Any]) -> None:
        self.objects = SimpleNamespace(filter=lambda **_: SimpleNamespace(
            order_by=lambda *_: ticked))


def test_slot_0003_makes_the_ticks_into_legacy_suppliers(personas: Personas) -> None:
    school = personas.school
    sims = system(school, "SIMS", supplier="Capita")
    fms = system(school, "FMS", supplier="capita ")
    cpoms = system(school, "CPOMS")
    old = system(school, "Old backup", supplier="Gone Ltd")
    old.archived_at = timezone.now()
    old.save()
    capita = organisation(school, "Capita")
    theirs = system(personas.other_school, "SIMS", supplier="Capita")
    ticked = _Ticked([sims, fms, cpoms, old, theirs])
    fake_apps = SimpleNamespace(get_model=lambda app, name: ticked if name == "System"
                                else apps.get_model(app, name))
    migration.processors_from_ticks(fake_apps, None)
    made = {(p.school_id, p.name): p for p in Processor.objects.all()}
    assert set(made) == {(school.pk, "Capita"), (school.pk, "CPOMS"),
                         (school.pk, "Gone Ltd"), (personas.other_school.pk, "Capita")}
    mine = made[(school.pk, "Capita")]
    assert mine.legacy and mine.agreement_on_file and mine.archived_at is None
    assert set(mine.systems.all()) == {sims, fms}
    assert mine.outside_organisation == capita
    assert made[(personas.other_school.pk, "Capita")].outside_organisation is None
    assert made[(school.pk, "Gone Ltd")].archived_at is not None  # its system is archived
