"""The cycle pages: list, detail, create (from the catalogue's suggestion), edit, archive,
the holder's own page and its one-button attestation, the overdue list (trust-wide for a
trust administrator), and their query counts at 3 and 40 rows."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.factories import SchoolFactory

from schoolkeep.audit.models import AuditEvent
from schoolkeep.passwords.models import PasswordChange, PasswordCycle
from schoolkeep.passwords.tests import cycle_records as rec

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _date(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month),
            f"{prefix}_2": str(day.year)}


def test_the_list_shows_each_cycle_with_holders_and_overdue(personas, login):
    school = personas.school
    sims = rec.system(school)
    late = rec.person(school, "Late Holder")
    fine = rec.person(school, "Fine Holder")
    rec.cycle(school, sims, holders=[late, fine], cadence="every_n_days", every_days=30,
              starts_on=TODAY() - timedelta(days=60))
    rec.changed(school, sims, fine, TODAY())
    html = login(personas.auditor).get(reverse("passwords:cycle-list")).content.decode()
    assert "SIMS" in html and "1 overdue" in html and "Every 30 days" in html
    assert "National Cyber Security Centre" in html
    assert 'type="password"' not in html


def test_the_detail_lists_holders_overdue_first(personas, login):
    school = personas.school
    sims = rec.system(school)
    late = rec.person(school, "Zoe Late")
    fine = rec.person(school, "Anna Fine")
    made = rec.cycle(school, sims, holders=[late, fine], cadence="every_n_days",
                     every_days=30, starts_on=TODAY() - timedelta(days=60))
    rec.changed(school, sims, fine, TODAY())
    html = login(personas.it_lead).get(
        reverse("passwords:cycle-detail", args=[made.public_id])).content.decode()
    assert html.index("Zoe Late") < html.index("Anna Fine")
    assert "Overdue" in html and "NCSC" in html


def test_create_starts_from_the_catalogue_suggestion_and_saves(personas, login):
    school = personas.school
    uso = rec.system(school, "USO", "identity")
    holder = rec.person(school, "Nominated Contact")
    client = login(personas.it_lead)
    html = client.get(reverse("passwords:cycle-create") + f"?system={uso.public_id}"
                      ).content.decode()
    assert 'value="Nominated contacts"' in html and 'value="90"' in html
    response = client.post(reverse("passwords:cycle-create"), {
        "system": uso.pk, "name": "Nominated contacts", "cadence": "every_n_days",
        "every_days": "90", "holders": [holder.pk], **_date("starts_on", TODAY())})
    made = PasswordCycle.objects.get()
    assert response.status_code == 302 and made.every_days == 90
    assert AuditEvent.objects.filter(action="passwords.cycle.created").exists()


def test_create_names_the_missing_days_and_holders(personas, login):
    sims = rec.system(personas.school)
    response = login(personas.it_lead).post(reverse("passwords:cycle-create"), {
        "system": sims.pk, "name": "Admin staff", "cadence": "every_n_days",
        **_date("starts_on", TODAY())})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter every how many days" in html and "Name the holders" in html
    assert not PasswordCycle.objects.exists()


def test_edit_and_archive(personas, login):
    school = personas.school
    sims = rec.system(school)
    holder = rec.person(school, "Grace Adeyemi")
    made = rec.cycle(school, sims, holders=[holder])
    client = login(personas.it_lead)
    response = client.post(reverse("passwords:cycle-edit", args=[made.public_id]), {
        "version": "1", "system": sims.pk, "name": "Office staff", "cadence": "yearly",
        "holders": [holder.pk], **_date("starts_on", made.starts_on)})
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.name, made.cadence, made.version) == ("Office staff", "yearly", 2)
    stale = client.post(reverse("passwords:cycle-edit", args=[made.public_id]), {
        "version": "1", "system": sims.pk, "name": "Other", "cadence": "yearly",
        "holders": [holder.pk], **_date("starts_on", made.starts_on)})
    assert "Someone else changed" in stale.content.decode()
    client.post(reverse("passwords:cycle-archive", args=[made.public_id]))
    made.refresh_from_db()
    assert made.archived_at is not None
    page = client.get(reverse("passwords:cycle-detail", args=[made.public_id])).content.decode()
    assert "Archived on" in page and "Grace Adeyemi" in page and "Change this cycle" not in page
    assert "Cycles (0)" in client.get(reverse("passwords:cycle-list")).content.decode()


def test_another_schools_cycle_is_a_404(personas, login):
    other = personas.other_school
    made = rec.cycle(other, rec.system(other), holders=[rec.person(other, "Someone")])
    client = login(personas.it_lead)
    assert client.get(reverse("passwords:cycle-detail", args=[made.public_id])
                      ).status_code == 404
    assert client.post(reverse("passwords:cycle-archive", args=[made.public_id])
                       ).status_code == 404


def test_mine_has_one_button_and_the_post_records_today(personas, login):
    school = personas.school
    sims = rec.system(school)
    me = rec.person(school, "Sofia Novak", user=personas.staff)
    rec.cycle(school, sims, holders=[me], cadence="every_n_days", every_days=90)
    rec.cycle(school, rec.system(school, "FMS", "finance"), holders=[me], cadence="yearly")
    client = login(personas.staff)
    html = client.get(reverse("passwords:mine")).content.decode()
    assert "I changed my password for SIMS today" in html
    assert "I changed my password for FMS today" in html
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # one form per system, each with ids of its own
    assert not PasswordChange.objects.exists()  # GET records nothing
    client.post(reverse("passwords:attest", args=[sims.public_id]))
    assert PasswordChange.objects.get().changed_on == TODAY()
    day = TODAY() - timedelta(days=3)
    client.post(reverse("passwords:attest", args=[sims.public_id]), _date("changed_on", day))
    assert PasswordChange.objects.filter(changed_on=day).exists()
    future = client.post(reverse("passwords:attest", args=[sims.public_id]),
                         _date("changed_on", TODAY() + timedelta(days=2)), follow=True)
    assert "cannot be in the future" in future.content.decode()


def test_the_overdue_list_of_a_trust_administrator_covers_the_trust(personas, login):
    home = personas.school
    sister = SchoolFactory(name="Willow Primary", organisation=home.organisation)
    for school, name in ((home, "Home Holder"), (sister, "Sister Holder")):
        sims = rec.system(school)
        rec.cycle(school, sims, holders=[rec.person(school, name)], cadence="every_n_days",
                  every_days=10, starts_on=TODAY() - timedelta(days=30))
    trust = login(personas.trust_admin).get(reverse("passwords:overdue")).content.decode()
    assert "Home Holder" in trust and "Sister Holder" in trust and "Willow Primary" in trust
    lead = login(personas.it_lead).get(reverse("passwords:overdue")).content.decode()
    assert "Home Holder" in lead and "Sister Holder" not in lead


def _fill(personas, start: int, count: int, *, me=None) -> None:
    school = personas.school
    for n in range(start, start + count):
        system = rec.system(school, f"System {n:02d}")
        holders = [rec.person(school, f"Holder {n:02d}")]
        if me is not None:
            holders.append(me)
        cadence = "termly" if n % 3 == 0 else "every_n_days"
        rec.cycle(school, system, holders=holders, cadence=cadence,
                  every_days=None if cadence == "termly" else 7,
                  starts_on=TODAY() - timedelta(days=200))
        rec.changed(school, system, holders[0], TODAY() - timedelta(days=n % 5))


@pytest.mark.parametrize("url_name", [
    "passwords:cycle-list", "passwords:overdue", "passwords:mine"])
def test_list_pages_have_constant_queries_at_3_and_40_rows(personas, login,
                                                           django_assert_num_queries,
                                                           url_name):
    me = rec.person(personas.school, "Me Myself", user=personas.it_lead)
    _fill(personas, 0, 3, me=me)
    client = login(personas.it_lead)
    url = reverse(url_name)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _fill(personas, 3, 37, me=me)
    with django_assert_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert "System 39" in html


def test_the_detail_has_constant_queries_at_3_and_40_holders(personas, login,
                                                             django_assert_num_queries):
    school = personas.school
    sims = rec.system(school)
    label = rec.label(school, "Admin staff")
    made = rec.cycle(school, sims, holders_label=label)

    def holders(start, count):
        people = [rec.person(school, f"Holder {n:02d}") for n in range(start, start + count)]
        made.holders.add(*people)
        for person in people[::2]:
            rec.changed(school, sims, person, TODAY() - timedelta(days=20))

    holders(0, 3)
    client = login(personas.auditor)
    url = reverse("passwords:cycle-detail", args=[made.public_id])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    holders(3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert "Holder 39" in html
