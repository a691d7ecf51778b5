"""The demo's register: each duty of the register shows at the first demo school, with the
owners the docstring of assets/demo.py promises; counts agree with the lists; the content is
fictional; building again changes nothing."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from tests.seed import SEED_POLICY

from schoolkeep.accounts.models import User
from schoolkeep.assets.demo import ASSETS, SYSTEMS, build_demo_assets
from schoolkeep.assets.duties import provider
from schoolkeep.assets.models import AccessLabel, Asset, AssetGroup, OutsideOrganisation
from schoolkeep.audit.models import AuditEvent
from schoolkeep.demo.builder import DemoContext
from schoolkeep.duties.selectors import duties_for_school
from schoolkeep.duties.types import HORIZON, OVERDUE, DutyCounts
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School

# Each test finds the demo built once (tests/fixtures_demo.py) and rolls back its own writes.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]

SEED = SEED_POLICY
SEED_PEOPLE = ["Terence Hudson", "Emma Allen", "Catherine Proctor", "Sue Cumbers"]


def build() -> None:
    call_command("demo", "--no-logins", stdout=StringIO(), stderr=StringIO())


def asset_duties(slug: str) -> list[Any]:
    school = School.objects.get(slug=slug)
    return [d for d in duties_for_school(school, timezone.now()) if d.module == "assets"]


def user(email: str) -> int:
    return User.objects.get(email=email).pk


def test_the_first_demo_school_shows_each_duty_of_the_register():
    duties = asset_duties("larkspur")
    by_subject = {(d.key.split(":")[0], d.subject): d for d in duties}
    siro, dpo = user("siro@larkspur.example"), user("dpo@kestrelvale.example")
    iao, teacher = user("iao@larkspur.example"), user("teacher@larkspur.example")
    it_lead = user("it.lead@larkspur.example")
    expected = {
        ("assets.review-due", "Attendance records"): (iao, OVERDUE),
        ("assets.review-due", "Off-site backup"): (siro, "due"),
        ("assets.owner-missing", "Payroll and pensions"): (siro, "due"),
        ("assets.owner-missing", "Visitor sign-in book"): (siro, "due"),
        ("assets.unclassified", "Assessment results"): (teacher, "due"),
        ("assets.unclassified", "CCTV recordings"): (siro, "due"),
        ("assets.lawful-basis-missing", "Special educational needs records"): (dpo, "due"),
        ("assets.system-logoff-unchecked", "FMS"): (it_lead, OVERDUE),
    }
    assert {key: (d.owner_user_ids, d.status) for key, d in by_subject.items()} == {
        key: ((owner,), status) for key, (owner, status) in expected.items()}
    for duty in duties:
        assert duty.subject not in duty.title  # the title names no asset or system
        assert duty.url.startswith(("/assets/", "/systems/"))
    # Counts agree with the lists for both schools; the second school has no register.
    schools = list(School.objects.filter(slug__in=["larkspur", "marsh-lane"]))
    now = timezone.now()
    counts = provider.counts([s.pk for s in schools], now=now, horizon=now + HORIZON)
    for school in schools:
        listed = provider.for_school(school.pk, now=now, horizon=now + HORIZON)
        assert counts.get(school.pk, DutyCounts()).total == len(listed)
    assert asset_duties("marsh-lane") == []


def test_the_register_and_systems_are_written_through_the_services():
    larkspur = School.objects.get(slug="larkspur")
    assert Asset.objects.filter(school=larkspur).count() == len(ASSETS) == 12
    assert list(AssetGroup.objects.filter(school=larkspur).values_list("name", flat=True)) == [
        "Pupil records (MIS)", "Safeguarding", "Staff records", "Finance",
        "Access and continuity"]
    # The register's systems; the transfer channels are added by the transfer rules' step.
    assert set(System.objects.filter(school=larkspur, is_transfer_channel=False)
               .values_list("catalogue_key", flat=True)) == {spec.key for spec in SYSTEMS}
    # With the disposal company of the equipment's demo batch.
    assert set(OutsideOrganisation.objects.values_list("name", flat=True)) == {
        "RedStor", "Vale Security Services", "Greenbank IT Recycling Ltd"}
    assert AuditEvent.objects.filter(action="assets.asset.created").count() == 12
    # The register's seven systems and the six transfer channels.
    assert AuditEvent.objects.filter(action="systems.system.created").count() == 7 + 6
    jkcloud = System.objects.get(school=larkspur, catalogue_key="jkcloud")
    assert not jkcloud.signs_in_interactively and jkcloud.auto_logoff_checked_on is None
    rdp = System.objects.get(school=larkspur, catalogue_key="rdp")
    assert rdp.mfa_required and not rdp.mfa_enabled
    assert not Asset.objects.filter(school__slug="marsh-lane").exists()
    pupils = Asset.objects.get(name="Pupil information")
    assert pupils.owner_person is not None and pupils.owner_person.full_name == "Tom Whitfield"
    assert [s.name for s in pupils.systems.all()] == ["SIMS"]
    assert AccessLabel.objects.filter(label="Pupil Data Administrator").count() == 1


def test_the_content_is_fictional_not_the_seeds_people():
    text = " ".join(
        f"{a.name} {a.owner_label} {a.purpose}" for a in Asset.objects.select_related(
            "owner_person", "owner_organisation"))
    for name in SEED_PEOPLE:
        assert name not in text
    seed = SEED.read_text()  # the names above are the seed's owners
    assert all(name in seed for name in SEED_PEOPLE)


def test_building_again_changes_nothing():
    counted = (Asset.objects.count(), System.objects.count(), AssetGroup.objects.count(),
               AccessLabel.objects.count(), OutsideOrganisation.objects.count(),
               AuditEvent.objects.count())
    build()  # the command: the demo exists already
    ctx = DemoContext(schools={s.slug: s for s in School.objects.all()})
    build_demo_assets(ctx)  # the step itself, run again
    assert (Asset.objects.count(), System.objects.count(), AssetGroup.objects.count(),
            AccessLabel.objects.count(), OutsideOrganisation.objects.count(),
            AuditEvent.objects.count()) == counted


def test_the_dashboards_show_the_registers_duties_to_their_owners(client):
    client.force_login(User.objects.get(email="it.lead@larkspur.example"),
                       backend="allauth.account.auth_backends.AuthenticationBackend")
    page = client.get(reverse("duties:dashboard")).content.decode()
    assert "Check a system&#x27;s automatic log-off again" in page
    assert reverse("systems:system-detail", args=[
        System.objects.get(school__slug="larkspur", catalogue_key="fms").public_id]) in page
    client.force_login(User.objects.get(email="siro@larkspur.example"),
                       backend="allauth.account.auth_backends.AuthenticationBackend")
    page = client.get(reverse("duties:dashboard")).content.decode()
    assert "Choose an owner for an information asset" in page
    assert "Visitor sign-in book" in page
