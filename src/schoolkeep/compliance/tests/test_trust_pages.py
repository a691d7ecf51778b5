"""The trust's view: every school the viewer may see by every current framework, worst score
first, from the latest snapshots (when each was taken shown; a school not yet worked out said
plainly), each cell opening that school's framework page; "Work it out again now" for those
who may refresh; query counts that do not grow with the schools."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.compliance.models import Framework, Snapshot
from schoolkeep.compliance.tests.state_records import computed, framework

pytestmark = pytest.mark.django_db

TRUST = reverse("compliance:trust")


def snap(school: Any, permille: int, *, days_ago: int = 0, code: str = "test-fw") -> None:
    Snapshot.objects.create(school=school, framework_code=code,
                            taken_on=timezone.localdate() - timedelta(days=days_ago),
                            taken_at=timezone.now() - timedelta(days=days_ago),
                            met=1, not_met=2, not_assessed=3, score_permille=permille)


def only_test_framework() -> Framework:
    """The built-in frameworks set aside: the grid's columns are the test's own."""
    Framework.objects.update(is_current=False)
    return framework("test-fw", requirements=[[computed(when_empty="met")]])


def in_oakfield(client: Any) -> Any:
    """The trust administrator works in Oakfield (the home school), whatever sorts first."""
    assert client.post(reverse("tenancy:school-switch"), {"school": "oakfield"}
                       ).status_code == 302
    return client


def rows_of(html: str) -> list[str]:
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return body.split("<tr>")[1:]


def test_the_trust_sees_every_school_worst_first(personas: Personas, login: Any) -> None:
    only_test_framework()
    trust = personas.school.organisation
    low = SchoolFactory(name="Ashgrove Infants", slug="ashgrove", organisation=trust)
    SchoolFactory(name="Brookside Juniors", slug="brookside", organisation=trust)
    snap(personas.school, 800)
    snap(low, 900, days_ago=30)
    snap(low, 420)  # the latest counts
    html = in_oakfield(login(personas.trust_admin)).get(TRUST).content.decode()
    rows = rows_of(html)
    assert [row[row.index('scope="row">') + 12:].split("<")[0].strip() for row in rows] == [
        "Brookside Juniors", "Ashgrove Infants", "Oakfield Primary"]
    assert "Not worked out yet" in rows[0] and "Never: nothing has been worked out" in rows[0]
    assert "42%" in rows[1] and "2 not met, 3 not yet assessed" in rows[1]
    assert f"{timezone.localtime():%-d %B %Y}" in rows[1]
    assert "80%" in rows[2]
    # Another school's cell opens its page without switching; each row may be refreshed.
    assert reverse("compliance:school-framework", args=["ashgrove", "test-fw"]) in rows[1]
    assert reverse("compliance:framework-detail", args=["test-fw"]) in rows[2]
    assert "(the school you are working in)" in rows[2]
    for slug in ("brookside", "ashgrove", "oakfield"):
        assert reverse("compliance:school-refresh", args=[slug]) in html
    assert "Hillside" not in html  # the outsider's school is not the trust's


def test_work_one_school_out_again_now(personas: Personas, login: Any) -> None:
    only_test_framework()
    client = login(personas.trust_admin)
    url = reverse("compliance:school-refresh", args=["oakfield"])
    assert client.get(url).status_code == 405
    assert not Snapshot.objects.exists()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == TRUST
    taken = Snapshot.objects.get(school=personas.school, framework_code="test-fw")
    assert taken.taken_on == timezone.localdate() and taken.score_permille == 1000
    assert AuditEvent.objects.filter(school=personas.school,
                                     action="compliance.snapshot.refreshed").exists()
    html = client.get(TRUST).content.decode()
    assert "is worked out again" in html and "100%" in html


def test_who_may_refresh_and_whose_schools(personas: Personas, login: Any) -> None:
    only_test_framework()
    snap(personas.school, 500)
    governor = login(personas.governor)
    html = governor.get(TRUST).content.decode()
    assert "50%" in html and "Work it out again now" not in html
    assert governor.post(reverse("compliance:school-refresh", args=["oakfield"])
                         ).status_code == 403
    outsider = login(personas.outsider)
    assert "Oakfield" not in outsider.get(TRUST).content.decode()
    assert outsider.post(reverse("compliance:school-refresh", args=["oakfield"])
                         ).status_code == 404
    assert outsider.get(reverse("compliance:school-framework",
                                args=["oakfield", "test-fw"])).status_code == 404
    # Staff may see no school's compliance.
    assert login(personas.staff).get(TRUST).status_code == 403
    assert Snapshot.objects.count() == 1


def test_another_schools_framework_page_is_read_without_switching(personas: Personas,
                                                                 login: Any) -> None:
    only_test_framework()
    trust = personas.school.organisation
    SchoolFactory(name="Ashgrove Infants", slug="ashgrove", organisation=trust)
    client = in_oakfield(login(personas.trust_admin))
    html = client.get(reverse("compliance:school-framework",
                              args=["ashgrove", "test-fw"])).content.decode()
    assert '<span class="caption">Ashgrove Infants</span>' in html
    assert "You are working in another school" in html
    assert reverse("tenancy:school-switch") in html
    assert "Requirement 1" in html and "/change/" not in html
    assert client.get(reverse("compliance:school-framework",
                              args=["ashgrove", "no-such"])).status_code == 404


@pytest.mark.usefixtures("steady_session")
def test_query_counts_do_not_grow_with_the_schools(personas: Personas, login: Any) -> None:
    only_test_framework()
    trust = personas.school.organisation
    client = login(personas.trust_admin)

    def add(start: int, number: int) -> None:
        for n in range(start, start + number):
            school = SchoolFactory(name=f"School {n:02}", slug=f"school-{n:02}",
                                   organisation=trust)
            snap(school, 10 * n)

    add(0, 2)
    client.get(TRUST)
    with CaptureQueriesContext(connection) as few:
        assert client.get(TRUST).status_code == 200
    add(2, 37)
    with CaptureQueriesContext(connection) as many:
        html = client.get(TRUST).content.decode()
    assert len(rows_of(html)) == 40
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
