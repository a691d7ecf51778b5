"""The overview pages per persona: figures only (never a name), links to the detail only
where the viewer may open it, what is hidden said in words, another school not found, the
trust administrator's landing page, charts without style attributes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import MembershipFactory, SchoolFactory
from tests.personas import Personas

from schoolkeep.overview.tests.records import fill, incident
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db

# Names of records ``fill`` writes: none may appear on an overview.
NAMES = ["Ann Complete", "Cat Missing", "Dan Agency", "Eve Left", "Admissions", "Registers",
         "Mrs Smith", "Backup Co", "Online security", "BR-2026", "Pat Parent"]


@pytest.fixture
def filled(personas: Personas) -> Personas:
    fill(personas.school, now=timezone.now())
    return personas


def page(client, name: str, **kwargs: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    return response.content.decode()


def test_a_governor_sees_the_figures_and_no_name(filled: Personas, login) -> None:  # type: ignore[no-untyped-def]
    html = page(login(filled.governor), "overview:school")
    for words in ("People with every required check", "2 of 4 (50%): not met",
                  "Information assets with an owner",
                  "Possible breaches reported to the ICO, or decided not to, within 72 hours",
                  "2 of 5 (40%): not met, and 2 still within their 72 hours",
                  "3 to do, and 2 still within their 72 hours",
                  "Staff who have signed their acceptable use policy",
                  "Schoolkeep&#x27;s own backup"):
        assert words in html
    for name in NAMES:
        assert name not in html
    # No link into the record, the register or the incidents: a governor may not open them.
    assert f'href="{reverse("people:record")}"' not in html
    assert f'href="{reverse("incidents:incident-list")}"' not in html
    # The policy register is open to everyone.
    assert f'href="{reverse("policies:policy-list")}"' in html


def test_the_siro_gets_a_link_to_each_detail(filled: Personas, login) -> None:  # type: ignore[no-untyped-def]
    html = page(login(filled.siro), "overview:school")
    for name in ("people:record", "assets:asset-list", "policies:policy-list",
                 "incidents:incident-list", "agreements:aup-list", "backups:backup-list"):
        assert f'href="{reverse(name)}"' in html


def test_the_charts_have_no_style_attribute_and_are_named_images(filled: Personas, login) -> None:  # type: ignore[no-untyped-def]
    html = page(login(filled.dpo), "overview:school")
    charts = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(charts) == 12  # one an area
    assert "style=" not in html
    for chart in charts:
        assert 'role="img"' in chart and "aria-label=" in chart and "<title" in chart
        assert re.search(r'<rect [^>]*fill="#[0-9a-f]{6}"', chart)


def test_the_trust_administrator_lands_on_their_schools_and_is_told_what_is_hidden(  # type: ignore[no-untyped-def]
        filled: Personas, login) -> None:
    second = SchoolFactory(name="Brook Academy", organisation=filled.school.organisation)
    client = login(filled.trust_admin)
    landing = client.get(reverse("home"))
    assert landing.status_code == 302 and landing["Location"] == reverse("overview:schools")
    html = page(client, "overview:schools")
    for school in (filled.school, second):
        assert f'href="{reverse("overview:school-of", kwargs={"slug": school.slug})}"' in html
    assert ("Not shown, because your role does not see them: the figures for incidents and"
            " breaches.") in html
    # What the duty counts leave out is one sentence, however many areas it names.
    assert html.count("leave out") == 2  # the heading and that sentence
    assert re.search(r"The duty counts leave out [^<.]+ and [^<.]+, because your role does not"
                     r" see those duties\. The areas' figures still count every record",
                     html)
    assert "Breaches" not in re.findall(r"<thead>.*?</thead>", html, flags=re.S)[0]
    one = page(client, "overview:school-of", slug=second.slug)
    assert ("Not shown here, because your role does not see them: the figures for incidents"
            " and breaches.") in one


def test_a_governor_is_told_in_one_true_sentence_what_the_duty_counts_leave_out(  # type: ignore[no-untyped-def]
        filled: Personas, login) -> None:
    """The areas a governor's role does not see are left out of the duty counts, not of the
    figures below them: the page says both, in one sentence listing the areas."""
    html = page(login(filled.governor), "overview:school")
    found = re.search(r"The duty counts above leave out ([^<]+?), because your role does not"
                      r" see those duties\. The figures below still count every record,"
                      r" whoever may see it\.", html)
    assert found is not None
    assert "people and the Single Central Record" in found[1] and " and " in found[1]
    assert html.count("leave out") == 1
    assert "Not counted here" not in html


def test_other_members_still_land_on_what_needs_doing(personas: Personas, login) -> None:  # type: ignore[no-untyped-def]
    response = login(personas.governor).get(reverse("home"))
    assert response["Location"] == reverse("duties:dashboard")


def test_signing_in_lands_on_home_which_knows_the_role() -> None:
    """After signing in, allauth sends everyone to ``home``: a trust administrator then lands
    on their schools, the others on what needs doing (the two tests above)."""
    from django.conf import settings
    from django.shortcuts import resolve_url

    assert resolve_url(settings.LOGIN_REDIRECT_URL) == reverse("home")


def test_a_dpo_of_two_schools_sees_both_side_by_side(filled: Personas, login) -> None:  # type: ignore[no-untyped-def]
    second = SchoolFactory(name="Brook Academy")
    MembershipFactory(user=filled.dpo, school=second, roles=[Role.DPO])
    client = login(filled.dpo)
    html = page(client, "overview:schools")
    assert filled.school.name in html and "Brook Academy" in html
    assert "not shown" not in html  # a DPO sees every figure in both
    # The other school's overview by its slug: figures, no detail links, a switch (POST).
    other = page(client, "overview:school-of", slug=second.slug)
    assert 'action="/school/switch/"' in other
    assert f'href="{reverse("people:record")}"' not in other
    assert client.get(reverse("overview:school")).status_code == 200


def test_another_school_is_not_found_and_a_role_without_the_overview_is_refused(  # type: ignore[no-untyped-def]
        filled: Personas, login) -> None:
    outsider = login(filled.outsider)
    url = reverse("overview:school-of", kwargs={"slug": filled.school.slug})
    assert outsider.get(url).status_code == 404
    assert filled.school.name not in page(outsider, "overview:schools")
    staff = login(filled.staff)
    assert staff.get(url).status_code == 403
    assert staff.get(reverse("overview:school")).status_code == 403
    assert staff.get(reverse("overview:schools")).status_code == 403


def test_a_school_with_nothing_yet_shows_each_measure_neutrally(personas: Personas, login) -> None:  # type: ignore[no-untyped-def]
    html = page(login(personas.governor), "overview:school")
    assert "No people are on the record yet" in html
    assert "The acceptable use policy for staff is not published yet" in html
    # Only the backup (the installation has none yet) is not met; the rest is neutral.
    areas = html.split("How the colours are decided")[0]
    assert areas.count("Not met") == 2  # the backups area's tag and its one measure's
    assert areas.count("Nothing to measure") >= 8


def test_a_breach_still_within_its_72_hours_is_said_not_hidden(personas: Personas, login) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    client = login(personas.governor)
    assert "No possible breach in the last 12 months" in page(client, "overview:school")
    incident(personas.school, aware_at=now - timedelta(hours=5))
    html = page(client, "overview:school")
    # One running report: nothing decided yet, said in the singular, in the chart and table.
    # The chart's label, title and words, and the table's row.
    assert html.count("None decided yet: 1 still within its 72 hours") == 4
    assert "No possible breach in the last 12 months" not in html
    assert "within their 72 hours" not in html
    incident(personas.school, aware_at=now - timedelta(days=4), decided_after=timedelta(hours=2))
    html = page(client, "overview:school")
    assert "1 of 1 (100%): all met, and 1 still within its 72 hours" in html
    assert "All met</strong> and 1 still within its 72 hours" in html
