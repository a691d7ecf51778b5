"""A cleared leaving date withdraws the person's open leaver forced changes (review15 #3), on
its own and in a chunk of an import, with a fixed number of queries per chunk."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.access.accounts.services import account_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.verify import audit_verify
from schoolkeep.leavers import services
from schoolkeep.leavers.tests.records import make_person
from schoolkeep.leavers.tests.test_hook_batch import _changes
from schoolkeep.passwords.models import ForcedChange
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_update
from schoolkeep.systems.services import system_create


def test_clearing_a_leaving_date_withdraws_the_shared_accounts_change(
        personas: Personas) -> None:
    school = personas.school
    sam = make_person(school, "Sam Shared")
    rita = make_person(school, "Rita Responsible")
    system = system_create(school=school, actor=None, name="SIMS")
    office = account_create(school=school, actor=None, system=system, username="office",
                            display_name="Office", is_shared=True, shared_reason="Front desk",
                            responsible_person=rita, shared_with=[sam])
    sam = person_update(person=sam, actor=None, version=sam.version,
                        leaving_date=timezone.localdate() + timedelta(days=10))
    forced = ForcedChange.objects.get(account=office, leaver=sam)
    assert forced.settled_at is None

    person_update(person=sam, actor=personas.hr_admin, version=sam.version, leaving_date=None)

    forced.refresh_from_db()
    assert forced.settled_at is not None
    event = AuditEvent.objects.get(action="passwords.forced_change.withdrawn")
    assert event.changes["leaver"] == "Sam Shared"
    assert audit_verify().ok


def test_a_chunk_of_cleared_dates_withdraws_with_fixed_queries(personas: Personas) -> None:
    school = personas.school
    leaving = timezone.localdate() + timedelta(days=10)
    rita = make_person(school, "Rita Responsible")
    system = system_create(school=school, actor=None, name="SIMS")
    counts = []
    for size in (3, 40):
        people = [make_person(school, f"Leaver {size} {n}") for n in range(size)]
        sharer = people[0]
        account_create(school=school, actor=None, system=system, username=f"office{size}",
                       display_name="Office", is_shared=True, shared_reason="Front desk",
                       responsible_person=rita, shared_with=[sharer])
        Person.objects.filter(pk__in=[p.pk for p in people]).update(leaving_date=leaving)
        services.on_people_changed(school=school, actor=None,
                                   changes=_changes(people, new_leaving_date=leaving))
        assert ForcedChange.objects.filter(leaver=sharer, settled_at__isnull=True).count() == 1
        Person.objects.filter(pk__in=[p.pk for p in people]).update(leaving_date=None)
        with CaptureQueriesContext(connection) as queries:
            services.on_people_changed(school=school, actor=None,
                                       changes=_changes(people, old_leaving_date=leaving))
        counts.append(len(queries))
        assert not ForcedChange.objects.filter(leaver__in=people,
                                               settled_at__isnull=True).exists()
    assert counts[0] == counts[1]
    assert AuditEvent.objects.filter(action="passwords.forced_change.withdrawn").count() == 2
    # Clearing again finds nothing open, and writes nothing more.
    services.on_people_changed(school=school, actor=None,
                               changes=_changes([rita], old_leaving_date=leaving))
    assert AuditEvent.objects.filter(action="passwords.forced_change.withdrawn").count() == 2
