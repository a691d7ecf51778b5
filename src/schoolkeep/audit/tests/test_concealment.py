"""Records hidden from a member stay hidden in the audit trail: a request hidden from the
SIRO is not in the SIRO's trail, its export, its events' pages or its history (404, as for
a record that does not exist), while the DPO and the auditor still see all of it; the
registry takes a set of records or a condition; hiding costs one query at most."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit import concealment, export
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.selectors import event_list, record_events
from schoolkeep.audit.services import audit_record, target_key
from schoolkeep.inforequests.handling.services import request_hide, request_update
from schoolkeep.inforequests.models import Request
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_file_path

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steady_session")]

Login = Callable[[User], Client]
LIST = reverse("audit:event-list")
EXPORT = reverse("audit:event-export")


def _history(request_obj: Request) -> str:
    return reverse("audit:record-history", args=list(target_key(request_obj)))


def _hidden_from_siro(personas: Personas) -> Request:
    """A request about the SIRO, changed once and hidden from them by the DPO."""
    request_obj = make_request(personas, description="About the SIRO's e-mails")
    request_update(school=personas.school, actor=personas.dpo, request=request_obj,
                   version=request_obj.version, channel="letter")
    request_obj.refresh_from_db()
    return request_hide(school=personas.school, actor=personas.dpo, request=request_obj,
                        hidden_from=[personas.siro])


def _exported(client: Client) -> str:
    response = client.get(EXPORT)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    return "\n".join(",".join(row) for row in csv.reader(io.StringIO(body[1:])))


def test_the_hidden_siro_does_not_find_the_request_in_the_trail(
        personas: Personas, login: Login) -> None:
    hidden = _hidden_from_siro(personas)
    shown = make_request(personas)
    event = AuditEvent.objects.filter(target_id=str(hidden.public_id)).first()
    assert event is not None
    client = login(personas.siro)
    assert client.get(_history(hidden)).status_code == 404
    assert client.get(reverse("audit:event-detail", args=[event.public_id])).status_code == 404
    html = client.get(LIST).content.decode()
    assert hidden.reference not in html and shown.reference in html
    exported = _exported(client)
    assert hidden.reference not in exported and shown.reference in exported
    assert client.get(_history(shown)).status_code == 200


@pytest.mark.parametrize("persona", ["dpo", "auditor"])
def test_everyone_else_still_sees_its_events(personas: Personas, login: Login,
                                             persona: str) -> None:
    hidden = _hidden_from_siro(personas)
    client = login(getattr(personas, persona))
    history = client.get(_history(hidden))
    assert history.status_code == 200
    assert {row.event.action for row in history.context["rows"]} >= {
        "requests.request.logged", "requests.request.changed",
        "requests.request.hidden_changed"}
    assert hidden.reference in client.get(LIST).content.decode()
    assert hidden.reference in _exported(client)
    event = AuditEvent.objects.filter(target_id=str(hidden.public_id)).first()
    assert event is not None
    assert client.get(reverse("audit:event-detail", args=[event.public_id])).status_code == 200


def test_showing_the_request_again_shows_its_history_again(personas: Personas,
                                                           login: Login) -> None:
    hidden = _hidden_from_siro(personas)
    request_hide(school=personas.school, actor=personas.dpo, request=hidden, hidden_from=[])
    assert login(personas.siro).get(_history(hidden)).status_code == 200


def test_the_selectors_leave_out_what_the_viewer_may_not_see(personas: Personas) -> None:
    hidden = _hidden_from_siro(personas)
    label, public_id = target_key(hidden)
    assert not record_events(school=personas.school, target_type=label, target_id=public_id,
                             viewer=personas.siro).exists()
    assert record_events(school=personas.school, target_type=label, target_id=public_id,
                         viewer=personas.dpo).exists()
    assert not event_list(school=personas.school, viewer=personas.siro).filter(
        target_id=public_id).exists()
    # The system's own reads (no viewer) keep every event.
    assert event_list(school=personas.school).filter(target_id=public_id).exists()


def test_a_condition_may_be_registered_instead_of_records(
        personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(concealment, "_CONCEALERS", {})
    event = audit_record(action="tenancy.school.settings_changed", school=personas.school,
                         actor=None, target=personas.school, target_label="Settings")

    def settings_hidden_from_the_siro(school: Any, user: Any) -> Q:
        return Q(action="tenancy.school.settings_changed") if user == personas.siro else Q()

    concealment.register_concealment("test.settings", settings_hidden_from_the_siro)
    assert not event_list(school=personas.school, viewer=personas.siro).filter(
        pk=event.pk).exists()
    assert event_list(school=personas.school, viewer=personas.dpo).filter(pk=event.pk).exists()


def test_a_large_export_made_in_the_background_leaves_out_what_is_hidden(
        personas: Personas, login: Login, monkeypatch: pytest.MonkeyPatch,
        django_capture_on_commit_callbacks: Any) -> None:
    hidden = _hidden_from_siro(personas)
    for number in range(3):  # events the SIRO does see
        audit_record(action="tenancy.school.settings_changed", school=personas.school,
                     actor=personas.dpo, target=personas.school,
                     changes={"name": {"before": f"Old {number}", "after": "New"}})
    monkeypatch.setattr(export, "IN_BACKGROUND_ABOVE", 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(personas.siro).post(reverse("audit:event-export-start"))
    job = Job.objects.get(kind=export.JOB_KIND)
    assert response.status_code == 302 and job.status == Job.Status.DONE
    path = job_file_path(job)
    assert path is not None
    written = path.read_bytes().decode("utf-8-sig")
    assert job.total == 3 and hidden.reference not in written
    assert written.count("\n") == 4  # the header and the three events the SIRO may see


def _list_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_hiding_costs_one_query_at_most_whatever_the_trail_holds(
        personas: Personas, login: Login, django_assert_num_queries: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    hidden = _hidden_from_siro(personas)
    history = _history(make_request(personas))  # one the SIRO sees
    client = login(personas.siro)
    client.get(LIST)
    few = _list_queries(client, LIST)
    few_history = _list_queries(client, history)
    for n in range(40):
        make_request(personas, description=f"Request {n}")
        request_hide(school=personas.school, actor=personas.dpo,
                     request=Request.objects.latest("pk"), hidden_from=[personas.siro])
    with django_assert_num_queries(few):
        client.get(LIST)
    with django_assert_num_queries(few_history):
        client.get(history)
    monkeypatch.setattr(concealment, "_CONCEALERS", {})
    assert few - _list_queries(client, LIST) <= 1
    assert few_history - _list_queries(client, history) <= 1
    # Without the registry the SIRO would read the hidden request's events.
    assert event_list(school=personas.school, viewer=personas.siro).filter(
        target_id=str(hidden.public_id)).exists()
