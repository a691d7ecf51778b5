"""The agreement states the registers show in place of "DPA on file", the Article 30 list,
the suggestions from the registers and the list's "needs attention" filter."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.privacy.suppliers import selectors
from schoolkeep.privacy.suppliers.models import Processor
from schoolkeep.privacy.suppliers.services import processor_archive
from schoolkeep.privacy.tests.suppliers_support import (
    asset,
    in_order,
    organisation,
    supplier,
    system,
)

pytestmark = pytest.mark.django_db


def test_states_of_systems_and_assets_in_one_query(personas: Personas) -> None:
    school, today = personas.school, timezone.localdate()
    mis, cctv, website = (system(school, "MIS"), system(school, "CCTV"),
                          system(school, "Website"))
    on_file = in_order(school, "Capita", today=today, systems=[mis])
    missing = supplier(school, "Watchful Ltd", systems=[cctv], data_location="elsewhere",
                       transfer_mechanism="idta", transfer_risk_assessed_on=today)
    backups = organisation(school, "Backup Co")
    owned = supplier(school, "Backup Co", outside_organisation=backups)
    pupils = asset(school, "Pupil records")
    pupils.systems.set([mis])
    footage = asset(school, "Footage", owner_organisation=backups)
    footage.systems.set([cctv])
    plain = asset(school, "Paper files")
    with CaptureQueriesContext(connection) as queries:
        states = selectors.agreement_states(
            system_ids=[mis.pk, cctv.pk, website.pk],
            asset_ids=[pupils.pk, footage.pk, plain.pk], today=today)
    assert len(queries) == 1
    assert states[("system", website.pk)] is None and states[("asset", plain.pk)] is None
    mis_state = states[("system", mis.pk)]
    assert mis_state is not None
    assert (mis_state.processor_name, mis_state.on_file, mis_state.review_on) == (
        "Capita", True, on_file.agreement_review_on)
    assert mis_state.url == f"/suppliers/{on_file.public_id}/"
    cctv_state = states[("system", cctv.pk)]
    assert cctv_state is not None
    assert (cctv_state.processor_public_id, cctv_state.on_file,
            cctv_state.transfer_mechanism) == (missing.public_id, False, "idta")
    assert states[("asset", pupils.pk)] == mis_state
    # Footage: its outside owner's and its system's suppliers both lack an agreement; the
    # one shown is the first by name among those needing the most attention.
    footage_state = states[("asset", footage.pk)]
    assert footage_state is not None
    assert footage_state.processor_public_id == owned.public_id
    assert not footage_state.on_file


def test_an_expired_certificate_and_a_past_review(personas: Personas) -> None:
    school, today = personas.school, timezone.localdate()
    mis = system(school, "MIS")
    processor = in_order(school, "Capita", today=today, systems=[mis], cyber_essentials="ce",
                         cyber_essentials_expires_on=today - timedelta(days=1))
    Processor.objects.filter(pk=processor.pk).update(
        agreement_review_on=today - timedelta(days=1))
    state = selectors.agreement_states(system_ids=[mis.pk], today=today)[("system", mis.pk)]
    assert state is not None and state.expired_certification
    assert state.review_past(today)
    later = selectors.agreement_states(system_ids=[mis.pk], today=today - timedelta(days=2))
    assert later[("system", mis.pk)] is not None
    assert not later[("system", mis.pk)].expired_certification  # type: ignore[union-attr]


def test_an_archived_supplier_is_no_longer_linked(personas: Personas) -> None:
    school = personas.school
    mis = system(school, "MIS")
    processor = supplier(school, "Capita", systems=[mis])
    processor_archive(processor, actor=None)
    assert selectors.agreement_states(system_ids=[mis.pk]) == {("system", mis.pk): None}
    assert selectors.agreement_states() == {}


def test_processors_for_the_article_30_record(personas: Personas) -> None:
    school, today = personas.school, timezone.localdate()
    mis = system(school, "MIS")
    in_order(school, "Capita", today=today, systems=[mis])
    supplier(school, "Alpha Cloud", data_location="elsewhere", transfer_mechanism="adequacy",
                      transfer_mechanism_note="Japan")
    processor_archive(supplier(school, "Gone Ltd"), actor=None)
    supplier(personas.other_school, "Elsewhere Ltd")
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.processors_for_record(school)
        names = [(p.name, p.transfer_mechanism, [s.name for s in p.systems.all()])
                 for p in rows]
    assert len(queries) == 2
    assert names == [("Alpha Cloud", "adequacy", []), ("Capita", "", ["MIS"])]


def test_suggestions_offer_the_names_not_yet_recorded(personas: Personas) -> None:
    school = personas.school
    organisation(school, "Backup Co")
    organisation(school, "Capita")
    system(school, "SIMS", supplier="Capita")
    system(school, "Arbor", supplier="Arbor Education")
    system(school, "Old", supplier="Gone Ltd")
    supplier(school, "Gone Ltd")
    found = selectors.suggestions(school=school)
    assert [(s.name, s.source, [x.name for x in s.systems]) for s in found] == [
        ("Arbor Education", "supplier", ["Arbor"]), ("Backup Co", "organisation", []),
        ("Capita", "supplier", ["SIMS"])]
    assert found[2].organisation is not None  # the register's organisation, with its system
    assert selectors.suggestion_for(school=school, key=found[0].key) == found[0]


def test_the_needs_attention_filter(personas: Personas) -> None:
    school, today = personas.school, timezone.localdate()
    in_order(school, "Fine Ltd", today=today)
    council = supplier(school, "Council", role="controller")  # needs no agreement...
    supplier(school, "New Council", role="controller")  # ...nor a review in its first year
    Processor.objects.filter(pk=council.pk).update(
        created_at=timezone.now() - timedelta(days=400))
    late = in_order(school, "Late Ltd", today=today)
    Processor.objects.filter(pk=late.pk).update(last_reviewed_on=date(today.year - 2, 1, 1))
    names = [p.name for p in selectors.processor_list(school=school, attention=True,
                                                      today=today)]
    assert names == ["Council", "Late Ltd"]  # ...but a yearly review all the same
    assert selectors.attention_reasons(late, today) == []  # the instance read before
    late.refresh_from_db()
    assert selectors.attention_reasons(late, today) == ["Yearly review due"]
