"""References: "BR-2026-0007", sequential per school and Europe/London calendar year of
receipt, never shared, even by reports made at the same moment."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import OperationalError, connection
from tests.personas import Personas

from schoolkeep.incidents.models import Channel, Incident
from schoolkeep.incidents.report.services import incident_report
from schoolkeep.lib.errors import NotAllowed


def report(personas: Personas, *, school=None, title: str = "Laptop left on a train"):
    actor = personas.outsider if school == personas.other_school else personas.staff
    incident, _ = incident_report(
        school=school or personas.school, actor=actor, channel=Channel.APP,
        title=title, description="A laptop was left on the 8:12.", personal_data=True)
    return incident


def test_references_run_in_order_per_school_and_year(personas: Personas) -> None:
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False):
        first, second = report(personas), report(personas)
        other = report(personas, school=personas.other_school)
    assert (first.reference, second.reference) == ("BR-2026-0001", "BR-2026-0002")
    assert other.reference == "BR-2026-0001"  # another school counts on its own
    with time_machine.travel(datetime(2027, 1, 2, 9, tzinfo=UTC), tick=False):
        assert report(personas).reference == "BR-2027-0001"


def test_the_year_is_the_london_year_of_receipt(personas: Personas) -> None:
    # 23:30 UTC on 31 December is still 2026 in London (GMT in winter).
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), tick=False):
        assert report(personas).reference == "BR-2026-0001"
    with time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=UTC), tick=False):
        assert report(personas).reference == "BR-2027-0001"


def test_a_report_receipt_code_is_only_for_the_public_page(personas: Personas) -> None:
    incident, code = incident_report(
        school=personas.school, actor=None, channel=Channel.PUBLIC, title="Letter sent to "
        "the wrong family", description="Details", personal_data=None)
    assert len(code) == 14 and code.count("-") == 2
    assert incident.reference not in code and incident.receipt_hash
    assert report(personas).receipt_hash == ""


def test_only_a_member_reports_in_the_app(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        incident_report(school=personas.other_school, actor=personas.staff,
                        channel=Channel.APP, title="Not mine", description="Details")
    assert not Incident.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_reports_made_at_the_same_moment_never_share_a_reference(personas: Personas) -> None:
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def file_reports() -> None:
        barrier.wait()
        try:
            made = 0
            while made < 5:
                try:
                    report(personas)
                    made += 1
                except OperationalError:
                    # SQLite's shared in-memory test database reports a lock at once where a
                    # database file would wait (busy_timeout); PostgreSQL waits on the row lock.
                    time.sleep(0.01)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_reports) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    numbers = sorted(Incident.objects.filter(school=personas.school)
                     .values_list("reference_number", flat=True))
    assert numbers == list(range(1, 21))
