"""The audit trail pages: who may see them, filters, CSV export, one event, one record."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.assertions import assert_not_shown
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.selectors import history_for, history_summary
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.tenancy.models import Membership

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
LIST = reverse("audit:event-list")
EXPORT = reverse("audit:event-export")


def record(personas: Personas, action: str = "tenancy.school.settings_changed", *,
           actor: User | None = None, at: datetime | None = None, **kwargs: object
           ) -> AuditEvent:
    kwargs.setdefault("target", personas.school)
    if at is None:
        return audit_record(action=action, school=personas.school, actor=actor, **kwargs)
    with time_machine.travel(at, tick=False):
        return audit_record(action=action, school=personas.school, actor=actor, **kwargs)


def listed(response: object) -> list[AuditEvent]:
    return list(response.context["page"].object_list)  # type: ignore[attr-defined]


def export_rows(response: object) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


# ---------------------------------------------------------------- permissions

@pytest.mark.parametrize("persona", ["siro", "dpo", "auditor"])
def test_siro_dpo_and_auditor_can_browse_the_trail(
    personas: Personas, login: Login, persona: str,
) -> None:
    event = record(personas, actor=personas.siro)
    client = login(getattr(personas, persona))
    for url in (LIST, EXPORT, reverse("audit:event-detail", args=[event.public_id]),
                reverse("audit:record-history", args=[event.target_type, event.target_id])):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["staff", "iao", "governor", "business_manager",
                                     "trust_admin"])
def test_other_roles_are_refused(personas: Personas, login: Login, persona: str) -> None:
    event = record(personas, actor=personas.siro)
    client = login(getattr(personas, persona))
    for url in (LIST, EXPORT, reverse("audit:event-detail", args=[event.public_id]),
                reverse("audit:record-history", args=[event.target_type, event.target_id])):
        assert client.get(url).status_code == 403, url


def test_signed_out_visitors_are_sent_to_sign_in(personas: Personas, client: Client) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_another_schools_events_are_not_found(personas: Personas, login: Login) -> None:
    theirs = audit_record(action="tenancy.school.settings_changed",
                          school=personas.other_school, actor=personas.outsider,
                          target=personas.other_school)
    ours = record(personas, actor=personas.siro)
    client = login(personas.siro)

    assert client.get(reverse("audit:event-detail", args=[theirs.public_id])).status_code == 404
    history = reverse("audit:record-history", args=[theirs.target_type, theirs.target_id])
    assert client.get(history).status_code == 404
    assert listed(client.get(LIST)) == [ours]
    assert str(theirs.public_id) not in b"".join(client.get(EXPORT).streaming_content).decode()


def test_the_pages_only_answer_get(personas: Personas, login: Login) -> None:
    client = login(personas.siro)
    assert client.post(LIST).status_code == 405
    assert client.post(EXPORT).status_code == 405


# ---------------------------------------------------------------- the list and its filters

def test_the_list_shows_when_who_what_and_which_record(personas: Personas, login: Login) -> None:
    record(personas, actor=personas.siro, at=datetime(2026, 7, 1, 9, 30, 5, tzinfo=UTC))
    response = login(personas.dpo).get(LIST)
    html = response.content.decode()
    assert "1 Jul 2026, 10:30:05" in html  # shown in UK time (BST)
    assert personas.siro.full_name in html
    assert "School settings changed" in html
    assert "tenancy.school.settings_changed" not in html  # the code stays in the export
    assert "Oakfield Primary" in html
    assert reverse("audit:record-history",
                   args=["tenancy.school", str(personas.school.public_id)]) in html


def test_unknown_action_codes_get_a_readable_label(personas: Personas, login: Login) -> None:
    record(personas, "assets.asset.retention_changed", actor=personas.siro)
    html = login(personas.siro).get(LIST).content.decode()
    assert "Asset retention changed" in html and "assets.asset.retention_changed" not in html


def test_newest_first_fifty_a_page(personas: Personas, login: Login) -> None:
    events = [record(personas, f"tests.n.{n}") for n in range(53)]
    client = login(personas.siro)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert listed(first) == events[::-1][:50]
    assert listed(second) == events[::-1][50:]
    assert first.context["page"].paginator.count == 53
    assert "page=2" in first.content.decode()


def test_filter_by_person(personas: Personas, login: Login) -> None:
    by_siro = record(personas, actor=personas.siro)
    by_dpo = record(personas, actor=personas.dpo)
    by_cli = record(personas)  # nobody signed in: the system
    client = login(personas.siro)

    assert listed(client.get(LIST, {"person": str(personas.dpo.public_id)})) == [by_dpo]
    assert listed(client.get(LIST, {"person": str(personas.siro.public_id)})) == [by_siro]
    assert listed(client.get(LIST, {"person": "none"})) == [by_cli]
    outsider = client.get(LIST, {"person": str(personas.outsider.public_id)})
    assert outsider.context["form"].errors["person"]  # not a person of this school


def test_filter_by_area(personas: Personas, login: Login) -> None:
    member = record(personas, "tenancy.membership.roles_changed")
    term = record(personas, "tenancy.term.updated")
    other = record(personas, "accounts.mfa.added")
    check = record(personas, "people.check.updated")
    client = login(personas.siro)

    assert listed(client.get(LIST, {"area": "school"})) == [term, member]
    assert listed(client.get(LIST, {"area": "sign-in"})) == [other]
    assert listed(client.get(LIST, {"area": "people"})) == [check]
    assert listed(client.get(LIST, {"area": "incidents"})) == []
    assert listed(client.get(LIST, {"area": ""})) == [check, other, term, member]
    page = client.get(LIST, {"area": "school"}).content.decode()
    # The filter offers areas by name, not the codes' first parts.
    assert '<option value="people">People and checks</option>' in page
    assert '<option value="school" selected>' in page
    assert 'value="tenancy.' not in page and "start of an action code" not in page
    wrong = client.get(LIST, {"area": "tenancy."})
    assert wrong.context["page"] is None
    assert "Choose an area from the list." in wrong.content.decode()


def test_every_area_names_codes_that_exist() -> None:
    from schoolkeep.audit.actions import AREAS, known_actions

    codes = known_actions()
    for area in AREAS:
        assert any(code.startswith(area.prefixes) for code in codes), area


def days(name: str, value: str) -> dict[str, str]:
    """The Day, Month and Year boxes of ``value`` ("2026-07-01")."""
    year, month, day = value.split("-")
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def test_filter_by_uk_dates(personas: Personas, login: Login) -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    late_june_utc = record(personas, "tests.a", at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    early_june_30 = record(personas, "tests.b", at=datetime(2026, 6, 30, 22, 59, tzinfo=UTC))
    winter = record(personas, "tests.c", at=datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
    client = login(personas.siro)

    assert listed(client.get(LIST, {**days("date_from", "2026-07-01"),
                                    **days("date_to", "2026-07-01")})) == [late_june_utc]
    assert listed(client.get(LIST, days("date_to", "2026-06-30"))) == [early_june_30]
    assert listed(client.get(LIST, days("date_from", "2026-12-31"))) == [winter]
    # A link or bookmark that gives one date still works, in British order.
    assert listed(client.get(LIST, {"date_from": "31/12/2026"})) == [winter]
    html = client.get(LIST, days("date_from", "2026-12-31")).content.decode()
    assert 'name="date_from_0" value="31"' in html and "Clear filters" in html
    assert 'type="date"' not in html


def test_a_date_filter_with_a_part_missing_names_the_part(
    personas: Personas, login: Login,
) -> None:
    record(personas)
    response = login(personas.siro).get(LIST, {"date_from_0": "1", "date_from_1": "",
                                               "date_from_2": "2026"})
    assert response.context["page"] is None
    html = response.content.decode()
    assert "The start date must include a month" in html
    assert 'href="#id_date_from_' in html


def test_an_end_date_before_the_start_date_is_an_error(personas: Personas, login: Login) -> None:
    record(personas)
    wrong = {**days("date_from", "2026-07-02"), **days("date_to", "2026-07-01")}
    response = login(personas.siro).get(LIST, wrong)
    assert response.status_code == 200
    assert response.context["page"] is None
    html = response.content.decode()
    assert "There is a problem" in html and "The end date must be" in html
    export = login(personas.siro).get(EXPORT, wrong)
    assert export.status_code == 302 and export["Location"].startswith(LIST)


def test_the_list_makes_the_same_number_of_queries_for_3_and_40_events(
    personas: Personas, login: Login, django_assert_num_queries: Callable[..., object],
) -> None:
    client = login(personas.siro)
    for n in range(3):
        record(personas, f"tests.q.{n}", actor=personas.dpo)
    client.get(LIST)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert len(listed(client.get(LIST))) == 3
    for n in range(37):
        record(personas, f"tests.q.{n}", actor=personas.iao)
    with django_assert_num_queries(len(few.captured_queries)):  # type: ignore[operator]
        assert len(listed(client.get(LIST))) == 40


def test_record_history_makes_the_same_number_of_queries_for_3_and_40_events(
    personas: Personas, login: Login, django_assert_num_queries: Callable[..., object],
) -> None:
    client = login(personas.siro)
    events = [record(personas, f"tests.h.{n}") for n in range(3)]
    url = reverse("audit:record-history", args=[events[0].target_type, events[0].target_id])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(37):
        record(personas, f"tests.h.{n}")
    with django_assert_num_queries(len(few.captured_queries)):  # type: ignore[operator]
        assert len(listed(client.get(url))) == 40


# ---------------------------------------------------------------- CSV export

def test_export_streams_the_filtered_trail(personas: Personas, login: Login) -> None:
    kept = record(personas, "tenancy.membership.roles_changed", actor=personas.siro,
                  at=datetime(2026, 1, 15, 8, 0, 0, 250000, tzinfo=UTC),
                  changes={"roles": {"before": ["staff"], "after": ["staff", "dpo"]}})
    record(personas, "accounts.mfa.added", actor=personas.siro)
    response = login(personas.dpo).get(EXPORT, {"area": "school"})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-oakfield-')
    header, *rows = export_rows(response)
    assert header[:5] == ["When (UK time)", "When (UTC)", "Person", "Action", "Action code"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["When (UK time)"] == "2026-01-15 08:00:00"
    assert row["When (UTC)"] == "2026-01-15T08:00:00.250000Z"
    assert row["Person"] == row["Person (name now)"] == personas.siro.full_name
    assert row["Action"] == "Member's roles changed"
    assert row["Action code"] == "tenancy.membership.roles_changed"
    assert row["Area"] == "Members, invitations, term dates and school settings"
    assert row["Record"] == "Oakfield Primary"
    assert '"after": ["staff", "dpo"]' in row["Changes"]
    assert (row["Event id"], row["Hash"]) == (str(kept.public_id), kept.hash)


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)",
                                       "\t=1", "\r=1"])
def test_export_cells_cannot_become_formulas(
    personas: Personas, login: Login, dangerous: str,
) -> None:
    record(personas, "tests.formula", target=None, target_type="tests.thing",
           target_id="1", target_label=dangerous)
    header, row = export_rows(login(personas.siro).get(EXPORT))
    cell = row[header.index("Record")]
    assert cell == "'" + dangerous


def test_safe_text_is_exported_as_it_is(personas: Personas, login: Login) -> None:
    record(personas, "tests.plain", target=None, target_type="tests.thing", target_id="1",
           target_label="Year 6: trip, \"Paris\"")
    header, row = export_rows(login(personas.siro).get(EXPORT))
    assert row[header.index("Record")] == "Year 6: trip, \"Paris\""


# ---------------------------------------------------------------- one event, one record

def test_event_detail_shows_the_before_and_after_table(personas: Personas, login: Login) -> None:
    changes = diff({"name": "Oak", "idle_timeout": 15, "pin": "1234"},
                   {"name": "Oakfield", "idle_timeout": 10, "pin": "9876"},
                   secret_fields={"pin"})
    event = record(personas, actor=personas.siro, changes=changes)
    response = login(personas.siro).get(reverse("audit:event-detail", args=[event.public_id]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "School settings changed" in html
    assert "<th scope=\"row\">Name</th>" in html and "<td>Oak</td><td>Oakfield</td>" in html
    assert "<td>15</td><td>10</td>" in html
    assert "<th scope=\"row\">Pin</th>" in html
    assert "Changed (this value is secret and is not recorded)" in html
    assert_not_shown(html, "1234", "9876")
    assert event.hash in html


def test_event_detail_of_an_unknown_id_is_not_found(personas: Personas, login: Login) -> None:
    url = reverse("audit:event-detail", args=["00000000-0000-0000-0000-000000000000"])
    assert login(personas.siro).get(url).status_code == 404


def test_record_history_lists_that_records_events_only(personas: Personas, login: Login) -> None:
    membership = Membership.objects.get(user=personas.dpo, school=personas.school)
    first = record(personas, "tenancy.membership.created", target=membership)
    record(personas, "tenancy.school.settings_changed")  # another record
    second = record(personas, "tenancy.membership.roles_changed", target=membership)
    url = reverse("audit:record-history",
                  args=["tenancy.membership", str(membership.public_id)])

    response = login(personas.siro).get(url)

    assert listed(response) == [second, first]
    html = response.content.decode()
    assert "Membership:" in html and "Member&#x27;s roles changed" in html
    missing = reverse("audit:record-history", args=["tenancy.membership", "no-such-record"])
    assert login(personas.siro).get(missing).status_code == 404


def test_history_for_and_its_summary_for_other_modules(personas: Personas) -> None:
    membership = Membership.objects.get(user=personas.dpo, school=personas.school)
    events = [record(personas, f"tenancy.membership.n{n}", target=membership) for n in range(7)]
    audit_record(action="tenancy.membership.n", school=personas.other_school, target=membership)
    from schoolkeep.tenancy.selectors import access_list_for_user

    assert list(history_for(school=personas.school, target=membership)) == events[::-1]
    siro_access = access_list_for_user(personas.siro)[0]
    staff_access = access_list_for_user(personas.staff)[0]
    summary = history_summary(school=personas.school, target=membership, access=siro_access)
    assert summary["history_events"] == events[::-1][:5]
    assert summary["history_more"] is True
    assert summary["show_history_link"] is True
    assert summary["history_url"] == reverse(
        "audit:record-history", args=["tenancy.membership", str(membership.public_id)])
    staff_summary = history_summary(school=personas.school, target=membership,
                                    access=staff_access, limit=10)
    assert staff_summary["history_more"] is False
    assert staff_summary["show_history_link"] is False

    from django.template.loader import render_to_string

    html = render_to_string("audit/_history.html", summary)
    assert "tenancy.membership.n" not in html  # codes are not shown in the summary
    assert summary["history_url"] in html and "See the full history" in html
    assert summary["history_url"] not in render_to_string("audit/_history.html", staff_summary)
