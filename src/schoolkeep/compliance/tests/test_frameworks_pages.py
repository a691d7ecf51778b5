"""The frameworks pages: where the school stands (score, counts, "not yet assessed" apart,
the trend with its table, the controls not met with their owners), a framework's
requirements with their states, wording, advice and controls, and the forms of the school's
own wording (for compliance.manage only; stale edits named; GET never changes anything).
Query counts do not grow with the requirements."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.fixtures import opened_version, own_browser
from tests.personas import Personas

from schoolkeep.compliance.frameworks import services
from schoolkeep.compliance.models import Control, ControlSetting, Framework, Requirement, Snapshot
from schoolkeep.compliance.tests.state_records import attest, attested, computed, framework

pytestmark = pytest.mark.django_db

HOME = reverse("compliance:home")
DETAIL = reverse("compliance:framework-detail", args=["test-fw"])


def build(personas: Personas) -> Framework:
    """Three requirements: one met (a computed control met when empty), one not met (a
    check found not done, owned by the IT lead), one that nothing shows (not yet assessed).
    The second carries advice with its source."""
    school = personas.school
    met = computed("test-met", when_empty="met")
    broken = attested("test-broken", owner_role="it_lead")
    Control.objects.filter(pk=broken.pk).update(title="Server room is locked")
    attest(school, broken, timezone.localdate() - timedelta(days=3), outcome="not_done")
    fw = framework("test-fw", requirements=[[met], [broken], []])
    Requirement.objects.filter(framework=fw, code="test-fw.r2").update(
        text="Servers are kept in a locked room.", advice="Also lock the cabinet.",
        advice_source="NCSC: Physical security", section="Premises")
    return fw


def snapshots(school: Any, today: date) -> None:
    """A score each fortnight over the year, rising."""
    Snapshot.objects.bulk_create([
        Snapshot(school=school, framework_code="test-fw", taken_on=today - timedelta(days=14 * n),
                 taken_at=timezone.now(), met=1, not_met=1, not_assessed=1,
                 score_permille=600 - 10 * n) for n in range(26)])


def get(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_where_the_school_stands(personas: Personas, login: Any) -> None:
    build(personas)
    today = timezone.localdate()
    snapshots(personas.school, today)
    html = get(login(personas.siro), HOME)
    section = html[html.index('id="framework-test-fw"'):]
    section = section[:section.index("</section>")]
    # 1 met, 1 not met, 1 not yet assessed: (2 * 1 + 0) / (2 * 3) = 33 %.
    assert re.search(r'<span class="big-number">33%</span> met out of 3 requirements', section)
    assert ("Not yet assessed</strong> 1 requirement: nothing shows it done yet, so it "
            "scores nothing.") in section
    assert 'role="img"' in section and 'aria-labelledby="trend-test-fw-title' in section
    # The table beside the chart: every score it draws (26 fortnights), today's 60 %.
    assert (f"<th scope=\"row\">{today.day} {today:%B %Y}</th>"
            "<td class=\"table-numeric\">60%</td>") in section
    assert section.count('<tr><th scope="row">') == 26
    # The controls not met, with their owners (the IT lead, by role) and why.
    table = html[html.index("<h2>Controls not met</h2>"):]
    assert "Server room is locked" in table
    assert f"{personas.it_lead.full_name} (" in table
    assert "it was not done" in table


def drawn_and_listed(html: str) -> tuple[int, list[str], str]:
    """The first chart's number of points, its table's scores and its description."""
    chart = re.search(r"<svg\b.*?</svg>", html, flags=re.S)
    assert chart is not None
    line = re.search(r'<polyline points="([^"]*)"', chart.group(0))
    assert line is not None
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", chart.group(0))
    assert desc is not None
    table = html[chart.end():html.index("</table>", chart.end())]
    scores = re.findall(r'<td class="table-numeric">(\d+%)</td>', table)
    return len(line.group(1).split()), scores, desc.group(1)


def scores(school: Any, days_and_permille: list[tuple[date, int]]) -> None:
    Snapshot.objects.bulk_create([
        Snapshot(school=school, framework_code="test-fw", taken_on=day, taken_at=timezone.now(),
                 met=1, not_met=1, not_assessed=1, score_permille=permille)
        for day, permille in days_and_permille])


def test_the_table_lists_every_score_the_chart_draws(personas: Personas, login: Any) -> None:
    build(personas)
    today = timezone.localdate()
    # A dip in the middle of a month: on the line, so in the table too.
    scores(personas.school, [(today - timedelta(days=40), 800), (today - timedelta(days=31), 400),
                             (today - timedelta(days=20), 800), (today, 800)])
    html = get(login(personas.siro), DETAIL)
    drawn, listed, desc = drawn_and_listed(html)
    assert (drawn, listed) == (4, ["80%", "40%", "80%", "80%"])
    dip = today - timedelta(days=31)
    assert f"lowest 40% on {dip.day} {dip:%b %Y}" in desc
    assert f'<th scope="row">{dip.day} {dip:%B %Y}</th><td class="table-numeric">40%</td>' in html
    assert "every score recorded over the last year (the scores the chart draws)" in html


def test_more_scores_than_a_table_can_list_are_drawn_and_listed_by_month(
        personas: Personas, login: Any) -> None:
    build(personas)
    today = timezone.localdate()
    # A score every day for 90 days, with a one-day dip that is not any month's latest.
    days = [today - timedelta(days=n) for n in range(90)]
    dip = next(day for day in days if day.day == 10 and day != today)
    scores(personas.school, [(day, 300 if day == dip else 700) for day in days])
    html = get(login(personas.siro), HOME)
    drawn, listed, desc = drawn_and_listed(html)
    months = {day.replace(day=1) for day in days}
    assert drawn == len(listed) == len(months)
    assert "30%" not in listed and "30%" not in desc
    assert ("the latest score of each month, this month so far (the scores the chart draws)"
            in html)
    assert "the score over the last year, the latest of each month" in html
    assert (f'<th scope="row">{today:%B %Y}</th><td class="table-numeric">70%</td>'
            f'<td>{today.day} {today:%B %Y}</td>') in html


def test_a_school_with_no_snapshot_is_told_the_trend_starts_tomorrow(personas: Personas,
                                                                      login: Any) -> None:
    build(personas)
    html = get(login(personas.governor), HOME)
    assert "No score has been recorded for the trend yet" in html


def test_a_framework_page_shows_each_requirement_with_its_state_and_controls(
        personas: Personas, login: Any) -> None:
    fw = build(personas)
    owner = personas.dpo
    broken = Control.objects.get(code="test-broken")
    ControlSetting.objects.create(school=personas.school, control=broken, owner=owner)
    html = get(login(personas.siro), DETAIL)
    for words in ('<strong class="tag tag-green">Met</strong>',
                  '<strong class="tag tag-red">Not met</strong>',
                  '<strong class="tag tag-grey">Not yet assessed</strong>',
                  "<blockquote>Servers are kept in a locked room.</blockquote>",
                  "<strong>Advice:</strong> Also lock the cabinet.",
                  "Source: NCSC: Physical security", '<h2 id="section-2">Premises</h2>',
                  owner.full_name, "What is missing",
                  "No control shows this yet, so it stays not yet assessed."):
        assert words in html, words
    r2 = Requirement.objects.get(framework=fw, code="test-fw.r2")
    assert 'id="test-fw.r2"' in html  # where a control's page links each requirement
    assert reverse("compliance:requirement-edit", args=[r2.public_id]) in html
    assert reverse("compliance:requirement-withdraw", args=[r2.public_id]) in html
    assert reverse("compliance:requirement-add", args=["test-fw"]) in html
    # A governor reads it, without the forms.
    html = get(login(personas.governor), DETAIL)
    assert "Servers are kept in a locked room." in html
    assert "/change/" not in html and "/withdraw/" not in html and "/add/" not in html


def test_the_charts_are_named_images_without_style_attributes(personas: Personas,
                                                              login: Any) -> None:
    build(personas)
    snapshots(personas.school, timezone.localdate())
    for url in (HOME, DETAIL):
        html = get(login(personas.auditor), url)
        charts = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
        assert any("trend-test-fw-title" in chart for chart in charts)
        for chart in charts:
            assert "style=" not in chart and "<script" not in chart


def test_change_a_requirement_to_the_schools_words_then_put_it_back(personas: Personas,
                                                                    login: Any) -> None:
    fw = build(personas)
    r1 = Requirement.objects.get(framework=fw, code="test-fw.r1")
    met = Control.objects.get(code="test-met")
    client = login(personas.business_manager)
    url = reverse("compliance:requirement-edit", args=[r1.public_id])
    form = get(client, url)
    assert 'value="Requirement 1"' in form and "Controls that show it is done" in form
    response = client.post(url, {"version": "1", "section": "Accounts", "title": "Our words",
                                 "text": "As our policy says it.", "controls": [
                                     str(met.public_id)]})
    assert response.status_code == 302 and response["Location"] == DETAIL
    html = get(client, DETAIL)
    assert "Our words" in html and "In the school's words" in html
    assert "is saved in the school" in html
    own = Requirement.objects.get(school=personas.school)
    restore = reverse("compliance:requirement-restore", args=[own.public_id])
    assert restore in html
    assert client.get(restore).status_code == 405
    assert client.post(restore).status_code == 302
    html = get(client, DETAIL)
    assert "Our words" not in html and "is back as published" in html
    assert not Requirement.objects.filter(school=personas.school).exists()


def test_the_change_form_shows_the_current_published_advice(personas: Personas,
                                                            login: Any) -> None:
    fw = build(personas)
    r2 = Requirement.objects.get(framework=fw, code="test-fw.r2")
    client = login(personas.siro)
    url = reverse("compliance:requirement-edit", args=[r2.public_id])
    assert "<strong>Advice:</strong> Also lock the cabinet." in get(client, url)
    assert client.post(url, {"version": "1", "title": "Our room",
                             "text": "Our server room is locked."}).status_code == 302
    own = Requirement.objects.get(school=personas.school)
    # Schoolkeep corrects its advice: the school's row and its form show the new one.
    Requirement.objects.filter(pk=r2.pk).update(advice="Lock the cabinet and the room.",
                                                advice_source="NCSC: Premises")
    form = get(client, reverse("compliance:requirement-edit", args=[own.public_id]))
    assert "<strong>Advice:</strong> Lock the cabinet and the room." in form
    assert "Also lock the cabinet." not in form and "Source: NCSC: Premises" in form
    html = get(client, DETAIL)
    assert "Our server room is locked." in html and "Lock the cabinet and the room." in html
    assert "Also lock the cabinet." not in html


def test_a_requirement_that_quotes_no_wording_is_changed_without_one(personas: Personas,
                                                                     login: Any) -> None:
    fw = build(personas)
    r3 = Requirement.objects.get(framework=fw, code="test-fw.r3")  # no text, as the RPA's
    met = Control.objects.get(code="test-met")
    client = login(personas.business_manager)
    url = reverse("compliance:requirement-edit", args=[r3.public_id])
    response = client.post(url, {"version": "1", "title": r3.title, "text": "",
                                 "controls": [str(met.public_id)]})
    assert response.status_code == 302
    own = Requirement.objects.get(school=personas.school)
    assert (own.text, list(own.controls.all())) == ("", [met])
    # One that quotes a wording still asks for it.
    r2 = Requirement.objects.get(framework=fw, code="test-fw.r2")
    response = client.post(reverse("compliance:requirement-edit", args=[r2.public_id]),
                           {"version": "1", "title": "Ours", "text": ""})
    assert response.status_code == 200 and "Enter the wording." in response.content.decode()
    assert Requirement.objects.filter(school=personas.school).count() == 1


def test_a_form_with_errors_says_so_and_saves_nothing(personas: Personas, login: Any) -> None:
    fw = build(personas)
    client = login(personas.siro)
    response = client.post(reverse("compliance:requirement-add", args=["test-fw"]),
                           {"section": "", "title": "", "text": "", "controls": ["nonsense"]})
    assert response.status_code == 200
    html = response.content.decode()
    for words in ("Enter a short title.", "Enter the wording.",
                  "Choose controls from the list."):
        assert words in html
    assert not Requirement.objects.filter(school=personas.school).exists()
    assert Requirement.objects.filter(framework=fw).count() == 3


def test_a_stale_edit_names_who_saved_first(personas: Personas) -> None:
    fw = build(personas)
    r1 = Requirement.objects.get(framework=fw, code="test-fw.r1")
    url = reverse("compliance:requirement-edit", args=[r1.public_id])
    first, second = own_browser(personas.siro), own_browser(personas.dpo)
    version = opened_version(second, url)
    assert first.post(url, {"version": opened_version(first, url), "title": "First",
                            "text": "First words"}).status_code == 302
    response = second.post(url, {"version": version, "title": "Second",
                                 "text": "Second words"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this requirement" in html
    assert personas.siro.full_name in html
    assert Requirement.objects.get(school=personas.school).title == "First"


def test_withdraw_a_requirement_and_put_it_back(personas: Personas, login: Any) -> None:
    fw = build(personas)
    r3 = Requirement.objects.get(framework=fw, code="test-fw.r3")
    client = login(personas.dpo)
    withdraw = reverse("compliance:requirement-withdraw", args=[r3.public_id])
    assert client.get(withdraw).status_code == 405
    assert not Requirement.objects.filter(school=personas.school).exists()
    assert client.post(withdraw).status_code == 302
    html = get(client, DETAIL)
    assert "Withdrawn: not in the school" in html and "out of 2 requirements" in html
    restore = reverse("compliance:requirement-restore", args=[r3.public_id])
    assert restore in html
    assert client.post(restore).status_code == 302
    assert "out of 3 requirements" in get(client, DETAIL)


def test_another_schools_clause_and_unknown_ones_are_not_found(personas: Personas,
                                                               login: Any) -> None:
    fw = build(personas)
    theirs = services.requirement_add(school=personas.other_school, actor=personas.outsider,
                                      framework=fw, section="", title="Theirs", text="Theirs")
    client = login(personas.siro)
    for url in (reverse("compliance:requirement-edit", args=[theirs.public_id]),
                reverse("compliance:framework-detail", args=["no-such-framework"]),
                reverse("compliance:requirement-add", args=["no-such-framework"])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("compliance:requirement-withdraw",
                               args=[theirs.public_id])).status_code == 404
    assert Requirement.objects.get(pk=theirs.pk).withdrawn is False


def grow(fw: Framework, school: Any, start: int, extra: int) -> None:
    """``extra`` more requirements, each with a control of its own (half attested and
    confirmed), and a clause the school added."""
    for number in range(start, start + extra):
        control = (attested(f"grow-{number}") if number % 2 else
                   computed(f"grow-{number}", when_empty="met"))
        if number % 2:
            attest(school, control, timezone.localdate())
        row = Requirement.objects.create(framework=fw, code=f"test-fw.g{number}",
                                         order=10 + number, title=f"Grown {number}",
                                         section=f"Section {number % 4}")
        row.controls.set([control])
    Requirement.objects.create(framework=fw, school=school, code=f"test-fw.own{start}",
                               order=99, title="Ours", text="Ours")


@pytest.mark.usefixtures("steady_session")
def test_query_counts_do_not_grow_with_the_requirements(personas: Personas, login: Any,
                                                        django_assert_num_queries: Any) -> None:
    fw = build(personas)
    snapshots(personas.school, timezone.localdate())
    client = login(personas.siro)
    grow(fw, personas.school, 0, 3)
    counts = {}
    for url in (HOME, DETAIL):
        client.get(url)  # the session's first stamp
        with CaptureQueriesContext(connection) as captured:
            get(client, url)
        counts[url] = len(captured)
    grow(fw, personas.school, 3, 37)
    assert Requirement.objects.filter(framework__code="test-fw").count() >= 40
    for url in (HOME, DETAIL):
        with django_assert_num_queries(counts[url]):
            html = get(client, url)
        assert "Grown 39" in html or url == HOME
