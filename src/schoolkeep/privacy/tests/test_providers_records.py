"""The providers of the apps that only hold a person's data: erasing a person removes what
each covers (their rows and files, links to them, their name in labels) and keeps the rest:
the school's own records and everyone else's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from schoolkeep.access.models import AdministratorDbsException, SystemAccount
from schoolkeep.assets.models import Asset, AssetGroup
from schoolkeep.continuity.models import PlanContact, Scope
from schoolkeep.duties.models import ReminderLog
from schoolkeep.equipment.models import Item, Loan
from schoolkeep.housekeeping.models import Campaign, Confirmation
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import jobs_dir
from schoolkeep.leavers.models import Checklist
from schoolkeep.lib import uploads
from schoolkeep.passwords.models import PasswordChange
from schoolkeep.people.models import Person
from schoolkeep.privacy.tests.providers_support import erase, make_person
from schoolkeep.systems.models import System
from schoolkeep.training.models import Course, TrainingRecord
from schoolkeep.training.records.services import FOLDER as CERTIFICATES
from schoolkeep.transfers.models import Removal

pytestmark = pytest.mark.django_db

NAME = "Bartholomew Quince"
DAY = date(2019, 7, 1)


@pytest.fixture
def people(personas):
    school = personas.school
    leaver = make_person(school)
    colleague = make_person(school, name="Kept Colleague", email="kept@oakfield.example")
    return school, leaver, colleague


def _system(school) -> System:
    return System.objects.create(school=school, name="MIS", name_key="mis")


def test_equipment_loans_go_items_stay_unassigned_labels_lose_the_name(people) -> None:
    school, leaver, colleague = people
    laptop = Item.objects.create(school=school, kind="laptop", assigned_to=leaver)
    other = Item.objects.create(school=school, kind="laptop", assigned_to=colleague)
    Loan.objects.create(school=school, item=laptop, person=leaver, issued_on=DAY,
                        expected_return_on=DAY, issued_by_label="Office")
    kept = Loan.objects.create(school=school, item=other, person=colleague, issued_on=DAY,
                               expected_return_on=DAY, issued_by_label=NAME)
    erase("equipment", school, leaver)
    assert not Loan.objects.filter(person=leaver).exists()
    laptop.refresh_from_db()
    other.refresh_from_db()
    assert laptop.assigned_to_id is None and other.assigned_to_id == colleague.pk
    assert Loan.objects.filter(pk=kept.pk).exists(), "the colleague's loan must stay"
    kept.refresh_from_db()
    assert kept.issued_by_label == "" and kept.person_id == colleague.pk


def test_training_records_and_their_certificates_go(
        people, django_capture_on_commit_callbacks) -> None:
    school, leaver, colleague = people
    course = Course.objects.create(school=school, name="Cyber", name_key="cyber",
                                   topic="cyber")
    folder = uploads.uploads_dir(CERTIFICATES)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cert1.pdf").write_bytes(b"%PDF-1.7 certificate")
    TrainingRecord.objects.create(school=school, person=leaver, course=course,
                                  completed_on=DAY, recorded_by_label="Office",
                                  certificate_stored_name="cert1.pdf")
    kept = TrainingRecord.objects.create(school=school, person=colleague, course=course,
                                         completed_on=DAY, recorded_by_label=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        erase("training", school, leaver)
    assert not TrainingRecord.objects.filter(person=leaver).exists()
    assert not (folder / "cert1.pdf").exists()
    kept.refresh_from_db()
    assert kept.recorded_by_label == ""


def test_housekeeping_confirmations_go_the_campaign_stays(people) -> None:
    school, leaver, colleague = people
    campaign = Campaign.objects.create(school=school, title="Summer clear-out",
                                       launched_at=timezone.now(), launched_by_label=NAME,
                                       closes_on=DAY)
    Confirmation.objects.create(school=school, campaign=campaign, person=leaver)
    Confirmation.objects.create(school=school, campaign=campaign, person=colleague)
    erase("housekeeping", school, leaver)
    assert list(Confirmation.objects.values_list("person_id", flat=True)) == [colleague.pk]
    campaign.refresh_from_db()
    assert campaign.launched_by_label == ""


def test_leaver_checklists_go_with_the_person(people) -> None:
    school, leaver, colleague = people
    Checklist.objects.create(school=school, person=leaver, kind="leaver", effective_on=DAY,
                             created_by_label="Office", closed_at=timezone.now())
    kept = Checklist.objects.create(school=school, person=colleague, kind="starter",
                                    effective_on=DAY, created_by_label=NAME)
    erase("leavers", school, leaver)
    assert list(Checklist.objects.values_list("pk", flat=True)) == [kept.pk]
    kept.refresh_from_db()
    assert kept.created_by_label == ""


def test_access_accounts_stay_without_the_person_exceptions_go(people) -> None:
    school, leaver, colleague = people
    system = _system(school)
    account = SystemAccount.objects.create(school=school, system=system, username="bquince",
                                           username_key="bquince", display_name=NAME,
                                           email="b.quince@oakfield.example", person=leaver)
    shared = SystemAccount.objects.create(school=school, system=system, username="office",
                                          username_key="office", responsible_person=leaver)
    shared.shared_with.add(leaver, colleague)
    AdministratorDbsException.objects.create(school=school, person=leaver, reason="Pending")
    erase("access", school, leaver)
    account.refresh_from_db()
    assert account.person_id is None and account.display_name == "" and account.email == ""
    shared.refresh_from_db()
    assert shared.responsible_person_id is None
    assert list(shared.shared_with.values_list("pk", flat=True)) == [colleague.pk]
    assert not AdministratorDbsException.objects.exists()


def test_password_changes_go(people) -> None:
    school, leaver, colleague = people
    system = _system(school)
    PasswordChange.objects.create(school=school, system=system, person=leaver, changed_on=DAY,
                                  via="dashboard", recorded_by_label="Office")
    kept = PasswordChange.objects.create(school=school, system=system, person=colleague,
                                         changed_on=DAY, via="dashboard",
                                         recorded_by_label=NAME)
    erase("passwords", school, leaver)
    assert list(PasswordChange.objects.values_list("pk", flat=True)) == [kept.pk]
    kept.refresh_from_db()
    assert kept.recorded_by_label == ""


def test_transfers_removals_go(people) -> None:
    school, leaver, colleague = people
    group = AssetGroup.objects.create(school=school, name="Staff", name_key="staff")
    asset = Asset.objects.create(school=school, group=group, name="Files", name_key="files")
    fields = {"school": school, "asset": asset, "form": "paper", "description": "Marking",
              "starts_on": DAY, "ends_on": DAY, "requested_at": timezone.now()}
    Removal.objects.create(person=leaver, requested_by_label="Office", **fields)
    kept = Removal.objects.create(person=colleague, requested_by_label=NAME, **fields)
    erase("transfers", school, leaver)
    assert list(Removal.objects.values_list("pk", flat=True)) == [kept.pk]
    kept.refresh_from_db()
    assert kept.requested_by_label == ""


def test_assets_systems_and_continuity_keep_their_records_without_the_person(people) -> None:
    school, leaver, colleague = people
    group = AssetGroup.objects.create(school=school, name="Staff", name_key="staff")
    asset = Asset.objects.create(school=school, group=group, name="Files", name_key="files",
                                 owner_person=leaver)
    system = _system(school)
    system.administrators.add(leaver, colleague)
    scope = Scope.objects.create(school=school, kind="cloud_system", name="Cloud",
                                 name_key="cloud", owner=leaver)
    contact = PlanContact.objects.create(school=school, position=1, kind="it_support",
                                         name=NAME, phone="01234 567890",
                                         email="b.quince@oakfield.example")
    erase("assets", school, leaver)
    erase("systems", school, leaver)
    erase("continuity", school, leaver)
    asset.refresh_from_db()
    scope.refresh_from_db()
    contact.refresh_from_db()
    assert asset.owner_person_id is None and asset.name == "Files"
    assert list(system.administrators.values_list("pk", flat=True)) == [colleague.pk]
    assert scope.owner_id is None and scope.name == "Cloud"
    assert contact.name == "" and contact.phone == "" and contact.email == ""


def test_duties_reminder_log_and_the_exports_that_may_hold_the_person_go(
        people, django_capture_on_commit_callbacks) -> None:
    school, leaver, colleague = people
    ReminderLog.objects.create(user=leaver.user, school=school, date=DAY)
    ReminderLog.objects.create(user=colleague.user, school=school, date=DAY)
    (jobs_dir() / "export1.xlsx").write_bytes(b"people list")
    (jobs_dir() / "mine.pdf").write_bytes(b"anything of theirs")
    (jobs_dir() / "policy.pdf").write_bytes(b"a policy")
    finished = {"finished_at": timezone.now(), "permission": "people.view"}
    Job.objects.create(school=school, created_by=colleague.user, created_by_label="Kept",
                       kind="people.record.export", title="People",
                       stored_name="export1.xlsx", **finished)
    Job.objects.create(school=school, created_by=leaver.user, created_by_label=NAME,
                       kind="compliance.policydoc", title="Policy", stored_name="mine.pdf",
                       **finished)
    # A colleague's policy document holds nobody's data: left to the day's clean-up.
    policy = Job.objects.create(school=school, created_by=colleague.user,
                                created_by_label="Kept", kind="compliance.policydoc",
                                title="Policy", stored_name="policy.pdf", **finished)
    running = Job.objects.create(school=school, created_by=leaver.user,
                                 created_by_label=NAME, kind="people.record.export",
                                 permission="people.view", title="People")
    erase("duties", school, leaver)
    with django_capture_on_commit_callbacks(execute=True):
        erase("jobs", school, leaver)
    assert list(ReminderLog.objects.values_list("user_id", flat=True)) == [colleague.user_id]
    assert not (jobs_dir() / "export1.xlsx").exists()
    assert not (jobs_dir() / "mine.pdf").exists()
    assert (jobs_dir() / "policy.pdf").exists()
    assert set(Job.objects.values_list("pk", flat=True)) == {running.pk, policy.pk}
    running.refresh_from_db()
    assert running.created_by_id is None and running.created_by_label == ""


def test_a_person_of_another_school_changes_nothing_here(people, personas) -> None:
    school = people[0]
    stranger = make_person(personas.other_school, name=NAME, email="b.q@elsewhere.example")
    campaign = Campaign.objects.create(school=school, title="Clear-out",
                                       launched_at=timezone.now(), launched_by_label=NAME,
                                       closes_on=DAY + timedelta(days=1))
    erase("housekeeping", personas.other_school, stranger)
    campaign.refresh_from_db()
    assert campaign.launched_by_label == NAME  # labels are blanked in the erasing school only


def test_a_namesake_colleague_keeps_their_plan_contact_and_labels(people) -> None:
    school, _leaver, colleague = people
    leaver = make_person(school, name="Sam Smith", email="sam.old@oakfield.example",
                         with_user=False, left=DAY)
    Person.objects.filter(pk=leaver.pk).update(preferred_name="Sam")
    make_person(school, name="Sam Smith", email="sam.new@oakfield.example")
    namesake = PlanContact.objects.create(school=school, position=1, kind="it_support",
                                          name="Sam Smith", phone="07700 900123",
                                          email="sam.new@oakfield.example")
    theirs = PlanContact.objects.create(school=school, position=2, kind="it_support",
                                        name="Sam Smith", phone="07700 900456",
                                        email="sam.old@oakfield.example")
    loans = {label: Loan.objects.create(school=school, person=colleague,
                                        item=Item.objects.create(school=school, kind="laptop"),
                                        issued_on=DAY, expected_return_on=DAY,
                                        issued_by_label=label)
             for label in ("Sam Smith", "Sam", "sam.old@oakfield.example")}
    erase("continuity", school, leaver)
    erase("equipment", school, leaver)
    namesake.refresh_from_db()
    theirs.refresh_from_db()
    assert (namesake.name, namesake.phone) == ("Sam Smith", "07700 900123")
    assert (theirs.name, theirs.phone, theirs.email) == ("", "", "")
    labels = {label: Loan.objects.get(pk=loan.pk).issued_by_label
              for label, loan in loans.items()}
    # A name someone still goes by, and a first name alone, are nobody's in particular.
    assert labels == {"Sam Smith": "Sam Smith", "Sam": "Sam", "sam.old@oakfield.example": ""}
