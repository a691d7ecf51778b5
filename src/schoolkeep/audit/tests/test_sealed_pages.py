"""The trail's pages and export show sealed values while their subject's key exists, and
"erased" once it is forgotten, in a constant number of queries per page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.assertions import assert_not_shown
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import forget
from schoolkeep.audit.selectors import history_summary, last_change
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.tenancy.models import Membership

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
LIST = reverse("audit:event-list")
EXPORT = reverse("audit:event-export")
PERSON = ("people.person", "501")


def about_person(personas: Personas, n: int = 0, *, actor: User | None = None) -> AuditEvent:
    membership = Membership.objects.get(user=personas.dpo, school=personas.school)
    return audit_record(action="tenancy.membership.roles_changed", school=personas.school,
                        actor=actor or personas.siro, target=membership,
                        target_label=f"Zelda Quist {n}", subject=PERSON,
                        changes=diff({"name": "Zelda Quist"}, {"name": f"Zelda Q {n}"}))


def export_text(response: object) -> str:
    return b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]


def test_the_pages_and_export_show_sealed_values_while_the_key_exists(
        personas: Personas, login: Login) -> None:
    event = about_person(personas)
    client = login(personas.siro)
    listing = client.get(LIST).content.decode()
    assert "Zelda Quist 0" in listing and personas.siro.full_name in listing
    detail = client.get(reverse("audit:event-detail", args=[event.public_id])).content.decode()
    assert "<td>Zelda Quist</td><td>Zelda Q 0</td>" in detail
    history = client.get(reverse("audit:record-history",
                                 args=[event.target_type, event.target_id])).content.decode()
    assert "Zelda Quist 0" in history
    rows = list(csv.reader(io.StringIO(export_text(client.get(EXPORT))[1:])))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Record"] == "Zelda Quist 0" and "Zelda Q 0" in row["Changes"]
    assert row["Person"] == personas.siro.full_name
    summary = history_summary(school=personas.school, target=Membership.objects.get(
        user=personas.dpo, school=personas.school))
    assert summary["history_events"][0].actor_label == personas.siro.full_name
    assert last_change(school=personas.school, target=Membership.objects.get(
        user=personas.dpo, school=personas.school))[0] == personas.siro.full_name


def test_after_forgetting_the_pages_and_export_say_erased(
        personas: Personas, login: Login) -> None:
    event = about_person(personas, actor=personas.iao)
    forget([PERSON, ("accounts.user", str(personas.iao.pk))])
    client = login(personas.siro)
    detail = client.get(reverse("audit:event-detail", args=[event.public_id])).content.decode()
    assert "<td>erased</td><td>erased</td>" in detail
    for page in (detail, export_text(client.get(EXPORT))):
        assert_not_shown(page, "Zelda", personas.iao.full_name)
    listing = client.get(LIST).content.decode()
    # (the list's person filter names members from the users' table, not from the trail)
    assert "Zelda" not in listing and "<td>erased</td>" in listing


@pytest.mark.parametrize("page", ["list", "history", "export"])
def test_sealed_pages_take_the_same_queries_for_3_and_40_events(
        personas: Personas, login: Login, django_assert_num_queries: Callable[..., object],
        page: str) -> None:
    client = login(personas.siro)
    actors = [personas.siro, personas.dpo, personas.iao]
    first = [about_person(personas, n, actor=actors[n % 3]) for n in range(3)]
    url = {"list": LIST, "export": EXPORT, "history": reverse(
        "audit:record-history", args=[first[0].target_type, first[0].target_id])}[page]

    def fetch() -> str:
        response = client.get(url)
        return export_text(response) if page == "export" else response.content.decode()

    fetch()
    shown = "Zelda Q {}" if page == "export" else "Zelda Quist {}"
    with CaptureQueriesContext(connection) as few:
        assert shown.format(2) in fetch()
    for n in range(3, 40):
        about_person(personas, n, actor=actors[n % 3])
    with django_assert_num_queries(len(few.captured_queries)):  # type: ignore[operator]
        assert shown.format(39) in fetch()
