"""The starting types keep their event, Schoolkeep's own types are always destroyed and have a
floor (API, service, page), the accident reports split in two (and the migration that makes
the new row in a database that has the old one), the trust's pages, and the copy of people
settings' "keep leavers for N years" into the schedule (people 0010, run for real)."""

from __future__ import annotations

import importlib
import json
from typing import cast

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from tests.factories import OrganisationFactory, SchoolFactory

from schoolkeep.lib.errors import DomainError
from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.models import RecordType
from schoolkeep.privacy.schedule.selectors import effective_record_type
from schoolkeep.privacy.schedule.services import record_type_adjust, trust_record_type_adjust
from schoolkeep.privacy.schedule.starting import BY_KEY, refresh_starting_schedule
from schoolkeep.privacy.tests.test_schedule_api import Api, detail
from schoolkeep.tenancy.models import Organisation, School


def _patch(api: Api, key: str, school, **body):
    row = effective_record_type(school, key)
    return api.patch(detail(row.public_id), {"version": row.version, **body})


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "body", "field"), [
    (keys.CCTV, {"event": "incident"}, "event"),
    (keys.OWN_LEAVERS, {"event": "date_of_birth"}, "event"),
    (keys.OWN_LEAVERS, {"action": "review"}, "action"),
    (keys.OWN_LEAVERS, {"years": 0, "months": 11}, "years"),
    (keys.OWN_SIGNING_LINKS, {"days": 29}, "years"),
    (keys.OWN_KIOSK, {"years": 0, "days": 29}, "years"),
])
def test_the_api_refuses_what_a_starting_or_own_type_cannot_be(personas, client, key, body,
                                                                 field) -> None:
    answer = _patch(Api(client, personas.dpo), key, personas.school, **body)
    assert answer.status_code == 422, answer.content
    assert field in json.dumps(answer.json())
    assert not RecordType.objects.filter(school=personas.school, key=key).exists()


@pytest.mark.django_db
def test_the_floors_themselves_are_allowed(personas, client) -> None:
    api = Api(client, personas.dpo)
    assert _patch(api, keys.OWN_LEAVERS, personas.school, years=1).status_code == 200
    assert _patch(api, keys.OWN_KIOSK, personas.school, years=0, days=30).status_code == 200
    assert _patch(api, keys.CCTV, personas.school, days=14).status_code == 200


@pytest.mark.django_db
def test_the_trust_is_held_to_the_same_rules(personas) -> None:
    shipped = effective_record_type(personas.school, keys.OWN_LEAVERS)
    with pytest.raises(DomainError) as refused:
        trust_record_type_adjust(organisation=personas.school.organisation,
                                 actor=personas.trust_admin, record_type=shipped,
                                 version=shipped.version, event="creation")
    assert refused.value.field == "event"
    with pytest.raises(DomainError) as refused:
        record_type_adjust(school=personas.school, actor=personas.dpo, record_type=shipped,
                           version=shipped.version, action="archive")
    assert refused.value.field == "action"


@pytest.mark.django_db
def test_the_page_fixes_the_event_and_action_and_states_the_floor(personas, login) -> None:
    client = login(personas.dpo)
    row = effective_record_type(personas.school, keys.OWN_LEAVERS)
    url = reverse("retention:type-adjust", args=[row.public_id])
    html = client.get(url).content.decode()
    assert "kept at least 1 year" in html and "keeps the event" in html
    assert html.count("disabled") >= 2  # the event and the action
    form = {"name": row.name, "description": row.description, "event": "date_of_birth",
            "years": "0", "months": "", "days": "5", "action": "review",
            "source": row.source, "version": str(row.version)}
    answer = client.post(url, form)
    assert answer.status_code == 200
    assert "Keep these records for at least 1 year." in answer.content.decode()
    answer = client.post(url, {**form, "years": "2", "days": ""})
    assert answer.status_code == 302
    own = effective_record_type(personas.school, keys.OWN_LEAVERS)
    assert (own.event, own.action, own.years) == ("leaving", "destroy", 2)
    cctv = effective_record_type(personas.school, keys.CCTV)
    html = client.get(reverse("retention:type-adjust", args=[cctv.public_id])).content.decode()
    assert "keeps the event" in html and "kept at least" not in html


@pytest.mark.django_db
def test_pupils_and_adults_accident_reports_are_two_types() -> None:
    rows = {row.key: row for row in RecordType.objects.filter(
        school__isnull=True, organisation__isnull=True,
        key__in=[keys.ACCIDENT_REPORTS, keys.ACCIDENT_REPORTS_PUPILS])}
    pupils, adults = rows[keys.ACCIDENT_REPORTS_PUPILS], rows[keys.ACCIDENT_REPORTS]
    assert (pupils.event, pupils.years) == ("date_of_birth", 25)
    assert "s.28" in pupils.source and "s.11" in pupils.source
    assert (adults.event, adults.years) == ("incident", 6)
    assert "RIDDOR" in adults.source and "3 years" in adults.source
    assert "reg. 97" in BY_KEY[keys.FINANCE].source and "Sch. 11" in BY_KEY[keys.FINANCE].source
    assert BY_KEY[keys.CCTV].source.startswith("Our choice")
    assert BY_KEY[keys.GOVERNING_BODY].action == "review"
    assert "permanently" in BY_KEY[keys.GOVERNING_BODY].source
    requests = BY_KEY[keys.OWN_REQUESTS]
    assert requests.years == 6 and "freedom of information" in requests.source


@pytest.mark.django_db
def test_the_migration_makes_the_new_row_and_corrects_the_old_ones() -> None:
    """A database migrated before the split: no pupils' row, the old accident text."""
    RecordType.objects.filter(key=keys.ACCIDENT_REPORTS_PUPILS).delete()
    RecordType.objects.filter(key=keys.ACCIDENT_REPORTS, school__isnull=True,
                              organisation__isnull=True).update(name="Accident reports",
                                                                 source="old")
    school = cast(School, SchoolFactory())
    own = RecordType.objects.create(school=school, key=keys.CCTV, name="Ours", event="creation",
                                    days=7, source="our policy")
    migration = importlib.import_module("schoolkeep.privacy.migrations.0004_schedule")
    from django.apps import apps

    migration.refresh_starting_schedule(apps, None)
    pupils = RecordType.objects.get(key=keys.ACCIDENT_REPORTS_PUPILS, school__isnull=True)
    adults = RecordType.objects.get(key=keys.ACCIDENT_REPORTS, school__isnull=True,
                                    organisation__isnull=True)
    assert pupils.years == 25 and adults.name == "Accident reports: adults"
    assert adults.source == BY_KEY[keys.ACCIDENT_REPORTS].source and adults.version == 2
    own.refresh_from_db()
    assert (own.name, own.days, own.source) == ("Ours", 7, "our policy")
    assert refresh_starting_schedule(RecordType) == 0


@pytest.mark.django_db
def test_the_trust_pages(personas, login) -> None:
    client = login(personas.trust_admin)
    html = client.get(reverse("retention:trust-schedule")).content.decode()
    assert "Accident reports: pupils" in html
    shipped = effective_record_type(personas.school, keys.CCTV)
    url = reverse("retention:trust-type-adjust", args=[shipped.public_id])
    assert client.get(url).status_code == 200
    answer = client.post(url, {"name": shipped.name, "description": "", "event": "creation",
                               "years": "", "months": "", "days": "21", "action": "destroy",
                               "source": "The trust's CCTV policy",
                               "version": str(shipped.version)})
    assert answer.status_code == 302
    assert effective_record_type(personas.school, keys.CCTV).days == 21
    other_trust = cast(Organisation, OrganisationFactory(name="Another trust"))
    theirs = RecordType.objects.create(organisation=other_trust, key=keys.FINANCE,
                                       name="Theirs", event="financial_year_end", years=7)
    assert client.get(reverse("retention:trust-type-adjust",
                              args=[theirs.public_id])).status_code == 404
    assert login(personas.dpo).get(url).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_people_0010_copies_the_changed_years_and_back() -> None:
    schools = [cast(School, SchoolFactory()) for _ in range(3)]
    before = [("people", "0009_moved_task_paths")]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    settings = old.get_model("people", "PeopleSettings")
    settings.objects.filter(school_id__in=[s.pk for s in schools]).delete()
    for school, years in zip(schools, (10, 6, 2), strict=True):
        settings.objects.create(school_id=school.pk, leaver_retention_years=years)
    executor = MigrationExecutor(connection)
    executor.migrate(leaves)
    own = dict(RecordType.objects.filter(key=keys.OWN_LEAVERS, school__isnull=False)
               .values_list("school_id", "years"))
    assert own == {schools[0].pk: 10, schools[2].pk: 2}
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    kept = dict(old.get_model("people", "PeopleSettings").objects.filter(
        school_id__in=[s.pk for s in schools]).values_list("school_id",
                                                           "leaver_retention_years"))
    assert kept == {schools[0].pk: 10, schools[1].pk: 6, schools[2].pk: 2}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
