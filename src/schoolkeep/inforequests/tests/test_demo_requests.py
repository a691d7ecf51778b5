"""The demo's requests: `schoolkeep demo` leaves at Larkspur a subject access request from a
parent half-way through its month (its checklist generated, the mailboxes asked of the IT
lead), one paused for proof of identity, one answered late with its reason and an FOI
request; dates are counted back from the day the demo is built; the pages open for the
DPO and the IT lead sees only their search."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.clocks.deadline import elapsed_fraction
from schoolkeep.inforequests.demo.build import (
    FOI_DAYS,
    HALF_WAY_DAYS,
    LATE_BY_DAYS,
    LATE_REASON,
    MAILBOXES,
    PAUSE_ASKED_DAYS,
    _today,
)
from schoolkeep.inforequests.demo.registration import DEMO_ORDER
from schoolkeep.inforequests.models import (
    Hold,
    Kind,
    Outcome,
    Request,
    RequesterType,
    SearchTask,
    Status,
)
from schoolkeep.tenancy.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def larkspur(shared_demo: Any) -> School:
    """Larkspur of the demo built once (tests/fixtures_demo.py); each test's writes roll back."""
    return School.objects.get(slug="larkspur")


def _requests(school: School) -> list[Request]:
    return list(Request.objects.filter(school=school).order_by("reference_year",
                                                               "reference_number"))


def test_the_demo_logs_four_requests_in_the_order_they_arrived(larkspur: School) -> None:
    late, paused, half_way, foi = _requests(larkspur)
    assert [r.kind for r in (late, paused, half_way, foi)] == [
        Kind.SUBJECT_ACCESS, Kind.SUBJECT_ACCESS, Kind.SUBJECT_ACCESS, Kind.FOI]
    assert [r.received_at for r in (late, paused, half_way, foi)] == sorted(
        r.received_at for r in (late, paused, half_way, foi))
    assert foi.received_on == _today() - timedelta(days=FOI_DAYS)
    assert not Request.objects.exclude(school=larkspur).exists()


def test_a_parents_request_half_way_through_its_month(larkspur: School) -> None:
    request = _requests(larkspur)[2]
    today = _today()
    assert request.requester_type == RequesterType.PARENT and request.status == Status.OPEN
    assert request.received_on == today - timedelta(days=HALF_WAY_DAYS)
    assert 0.4 < elapsed_fraction(request, today) < 0.6
    assert request.waiting_since is None and request.due_on > today
    # The checklist from the register (the pupils' assets) and the mailboxes by hand.
    places = set(SearchTask.objects.filter(request=request).values_list("place", flat=True))
    assert MAILBOXES in places
    assert any(place.startswith("Child protection records") for place in places)
    assert not any(place.startswith("Payroll") for place in places)
    assert request.items.count() == 1


def test_the_it_lead_has_an_open_search_and_sees_only_it(larkspur: School, login: Any,
                                                         shared_demo: Any) -> None:
    it_lead = shared_demo.users["larkspur.it_lead"]
    task = SearchTask.objects.get(assignee=it_lead)
    assert task.place == MAILBOXES and task.state == SearchTask.State.OPEN
    assert task.due_on > _today()
    client = login(it_lead)
    page = client.get(reverse("requests:search-detail", args=[task.pk]))
    assert page.status_code == 200
    assert task.request.reference in page.content.decode()
    assert client.get(reverse("requests:request-detail",
                              args=[task.request.public_id])).status_code == 404


def test_one_request_waits_for_proof_of_identity(larkspur: School) -> None:
    request = _requests(larkspur)[1]
    hold = Hold.objects.get(request=request)
    assert hold.reason == Hold.Reason.IDENTITY and hold.answered_on is None
    assert hold.note
    assert request.waiting_since == _today() - timedelta(days=PAUSE_ASKED_DAYS)
    assert request.status == Status.OPEN


def test_one_request_was_answered_late_with_its_reason(larkspur: School) -> None:
    request = _requests(larkspur)[0]
    assert request.status == Status.ANSWERED and request.outcome == Outcome.FULL
    assert request.responded_on == request.due_on + timedelta(days=LATE_BY_DAYS)
    assert request.late_reason == LATE_REASON


def test_the_foi_request_has_a_search_for_the_business_manager(larkspur: School,
                                                               shared_demo: Any) -> None:
    foi = _requests(larkspur)[3]
    assert foi.subject_name == "" and foi.status == Status.OPEN
    [task] = SearchTask.objects.filter(request=foi)
    assert task.assignee == shared_demo.users["larkspur.business_manager"]


def test_every_write_is_audited_as_the_command_line_by_reference(larkspur: School) -> None:
    events = AuditEvent.objects.filter(school=larkspur, action__startswith="requests.")
    actions = set(events.values_list("action", flat=True))
    assert {"requests.request.logged", "requests.hold.asked", "requests.request.answered",
            "requests.search.generated", "requests.search.assigned"} <= actions
    assert all(label.startswith("cli:") for label in events.values_list("actor_label",
                                                                        flat=True))
    references = set(Request.objects.values_list("reference", flat=True))
    assert set(events.values_list("target_label", flat=True)) <= references


def test_the_pages_open_for_the_dpo(larkspur: School, login: Any, shared_demo: Any) -> None:
    client = login(shared_demo.users["larkspur.dpo"])
    listing = client.get(reverse("requests:request-list"))
    assert listing.status_code == 200
    html = listing.content.decode()
    for request in _requests(larkspur):
        assert request.reference in html
        page = client.get(reverse("requests:request-detail", args=[request.public_id]))
        assert page.status_code == 200, request.reference
    assert client.get(reverse("requests:search-list",
                              args=[_requests(larkspur)[2].public_id])).status_code == 200
    assert client.get(reverse("tenancy:term-list")).status_code == 200


def test_the_step_runs_before_compliance_counts_it() -> None:
    from schoolkeep.demo.builder import steps

    names = [name for name, _ in steps()]
    assert names.index("requests") < names.index("compliance")
    assert names.index("assets") < names.index("requests")
    assert 500 < DEMO_ORDER < 900
