"""Reconciling a system's user list: matching (e-mail, then name; ambiguous names said so;
a person chosen by hand kept), the preview's sections before anything is saved, unknown
facts kept unknown, all or nothing on bad rows and duplicates, one audit event, missing
accounts marked and never deleted, and the same file again changing nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openpyxl import Workbook
from tests.personas import Personas

from schoolkeep.access.imports import user_list_reconcile
from schoolkeep.access.imports.reading import parse_sign_in
from schoolkeep.access.models import SystemAccount
from schoolkeep.access.tests.import_records import person, system, write_csv
from schoolkeep.assets.models import AccessLabel
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.text import fold
from schoolkeep.systems.tests.records import make_asset
from schoolkeep.tenancy.models import Membership

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
ACTION = "access.user_list.applied"


def reconcile(personas: Personas, path: Path, sims: Any, **kwargs: Any) -> Any:
    return user_list_reconcile(path, school=personas.school, system=sims,
                               actor=personas.it_lead, **kwargs)


def section(result: Any, key: str) -> list[str]:
    return [item["username"] or item["name"] for item in result.sections[key].examples]


@pytest.fixture
def staff(personas: Personas) -> dict[str, Any]:
    today = timezone.localdate()
    school = personas.school
    return {
        "ada": person(school, "Ada Lovelace", email="ada@oakfield.example"),
        "bob": person(school, "Bob Jones"),
        "gray": person(school, "Peter Gray", leaving_date=today - timedelta(days=60)),
        "sam1": person(school, "Sam Smith"),
        "sam2": person(school, "Sam Smith", email="sam.two@oakfield.example"),
    }


MIXED = [
    ["User name", "Forename", "Surname", "E-mail", "Status", "User groups", "Two-factor",
     "Last login"],
    ["alovelace", "Ada", "Lovelace", "ADA@oakfield.example", "Active", "System Manager", "no",
     "01/12/2026 08:15"],
    ["bjones", "Bob", "Jones", "", "Active", "Teachers", "", "2026-01-02T09:00:00Z"],
    ["pgray", "Peter", "Gray", "", "Active", "Teachers", "", ""],
    ["ssmith", "Sam", "Smith", "", "Inactive", "Teachers", "", "never"],
    ["kdoyle", "Karen", "Doyle", "", "Active", "", "yes", ""],
]


def test_the_preview_sections_and_nothing_written_on_a_dry_run(
        personas: Personas, staff: dict[str, Any], tmp_path: Path) -> None:
    sims = system(personas)
    now = datetime(2026, 12, 6, 12, 0, tzinfo=LONDON)
    result = reconcile(personas, write_csv(tmp_path, MIXED), sims, dry_run=True, now=now)
    assert result.ok and result.rows == 5 and result.added == 5 and not result.written
    assert SystemAccount.objects.count() == 0
    assert section(result, "leavers_enabled") == ["pgray"]
    assert section(result, "unmatched") == ["ssmith", "kdoyle"]
    details = [item["detail"] for item in result.sections["unmatched"].examples]
    assert details[0].startswith("2 people on the record are called Sam Smith")
    assert details[1] == "nobody on the record has this e-mail address or name"
    assert section(result, "admin_without_mfa") == ["alovelace"]
    # Bob last signed in 11 months ago; Sam is disabled (never signed in, not counted).
    assert section(result, "not_used") == ["bjones"]
    assert "Last signed in on 2 January 2026" in result.sections["not_used"].examples[0]["detail"]


def test_confirming_records_the_accounts_with_unknowns_and_one_audit_event(
        personas: Personas, staff: dict[str, Any], tmp_path: Path) -> None:
    sims = system(personas)
    result = reconcile(personas, write_csv(tmp_path, MIXED), sims)
    assert result.written and result.added == 5
    accounts = {a.username: a for a in SystemAccount.objects.filter(system=sims)}
    ada = accounts["alovelace"]
    assert (ada.person, ada.matched_by) == (staff["ada"], SystemAccount.MatchedBy.EMAIL)
    assert (ada.is_admin, ada.mfa_on, ada.enabled) == (True, False, True)
    assert ada.source == SystemAccount.Source.USER_LIST and ada.listed_at is not None
    assert ada.last_sign_in_at == datetime(2026, 12, 1, 8, 15, tzinfo=LONDON)
    bob = accounts["bjones"]
    assert (bob.person, bob.matched_by) == (staff["bob"], SystemAccount.MatchedBy.NAME)
    assert bob.mfa_on is None  # a blank cell: unknown, never "no"
    assert bob.is_admin is False  # the groups column says Teachers
    sam = accounts["ssmith"]
    assert sam.person is None and sam.enabled is False and sam.disabled_on is not None
    assert accounts["kdoyle"].mfa_on is True
    events = AuditEvent.objects.filter(action=ACTION)
    assert events.count() == 1
    assert events.get().changes["added"]["after"] == 5


def test_the_same_file_again_changes_nothing_and_records_no_event(
        personas: Personas, staff: dict[str, Any], tmp_path: Path) -> None:
    sims = system(personas)
    path = write_csv(tmp_path, MIXED)
    reconcile(personas, path, sims)
    before = list(SystemAccount.objects.values().order_by("pk"))
    events = AuditEvent.objects.count()
    again = reconcile(personas, path, sims)
    assert (again.added, again.updated, again.unchanged, again.changes) == (0, 0, 5, 0)
    assert not again.written
    assert "nothing changed" in again.summary()
    assert list(SystemAccount.objects.values().order_by("pk")) == before
    assert AuditEvent.objects.count() == events


def test_missing_columns_leave_what_is_recorded_and_missing_accounts_are_marked(
        personas: Personas, staff: dict[str, Any], tmp_path: Path) -> None:
    sims = system(personas)
    reconcile(personas, write_csv(tmp_path, MIXED), sims)
    # A later list without the two-factor, groups or status columns, without Bob.
    later = [["Username", "Name"], ["alovelace", "Ada Lovelace"], ["pgray", "Peter Gray"],
             ["ssmith", "Sam Smith"], ["kdoyle", "Karen Doyle"]]
    result = reconcile(personas, write_csv(tmp_path, later, "later.csv"), sims)
    assert result.sections["missing_from_file"].count == 1 and result.newly_missing == 1
    ada = SystemAccount.objects.get(username="alovelace")
    assert (ada.is_admin, ada.mfa_on, ada.enabled) == (True, False, True)
    bob = SystemAccount.objects.get(username="bjones")  # never deleted
    assert bob.missing_from_list_at is not None
    again = reconcile(personas, write_csv(tmp_path, later, "later.csv"), sims)
    assert again.changes == 0 and again.still_missing == 1


def test_a_person_chosen_by_hand_and_a_shared_account_are_kept(
        personas: Personas, staff: dict[str, Any], tmp_path: Path) -> None:
    sims = system(personas)
    SystemAccount.objects.create(school=personas.school, system=sims, username="BJones",
                                 username_key="bjones", person=staff["ada"],
                                 matched_by=SystemAccount.MatchedBy.HAND)
    SystemAccount.objects.create(school=personas.school, system=sims, username="kdoyle",
                                 username_key="kdoyle", is_shared=True,
                                 shared_reason="The office's shared login")
    result = reconcile(personas, write_csv(tmp_path, MIXED), sims)
    assert result.added == 3 and result.updated == 2
    assert SystemAccount.objects.get(username_key="bjones").person == staff["ada"]
    assert SystemAccount.objects.get(username_key="kdoyle").person is None
    assert "kdoyle" not in section(result, "unmatched")


def test_bad_rows_and_duplicates_are_named_and_nothing_is_written(
        personas: Personas, staff: dict[str, Any], tmp_path: Path) -> None:
    sims = system(personas)
    rows = [*MIXED, ["ALovelace", "Ada", "Again", "", "Active", "", "", ""],
            ["zed", "Zed", "Zero", "", "Maybe", "", "perhaps", "31/02/2026"],
            ["", "No", "Username", "", "", "", "", ""]]
    result = reconcile(personas, write_csv(tmp_path, rows), sims)
    assert not result.ok and not result.written
    found = {(p.row, p.column): p.message for p in result.problems}
    assert "also on row 2" in found[(7, "Username")]
    assert "rows 2 and 7" in found[(7, "Username")]
    assert (8, "Enabled") in found and (8, "Two-factor") in found
    assert "no 31 February 2026" in found[(8, "Last sign-in")]
    assert (9, "Username") in found
    assert SystemAccount.objects.count() == 0
    assert not AuditEvent.objects.filter(action=ACTION).exists()


def test_people_who_should_have_an_account_and_do_not(
        personas: Personas, staff: dict[str, Any], tmp_path: Path) -> None:
    sims = system(personas)
    label = AccessLabel.objects.create(school=personas.school, label="Office",
                                       label_key=fold("Office"))
    label.members.set(Membership.objects.filter(
        school=personas.school, user__in=[personas.business_manager, personas.hr_admin]))
    make_asset(personas.school, "Pupil records", sims).access_labels.set([label])
    bob = staff["bob"]
    bob.user = personas.business_manager
    bob.save()
    carol = person(personas.school, "Carol White", user=personas.hr_admin, job_title="Clerk")
    result = reconcile(personas, write_csv(tmp_path, MIXED), sims, dry_run=True)
    assert section(result, "expected_missing") == ["Carol White"]
    assert result.sections["expected_missing"].examples[0]["detail"] == carol.job_title


HEADINGS_OF_EXPORTS: dict[str, tuple[list[str], list[str], dict[str, Any]]] = {
    "microsoft 365": (
        ["Display name", "User principal name", "Block credential", "Licenses",
         "Last password change time stamp", "MFA status", "Last sign-in", "Office"],
        ["Ada Lovelace", "ada@oakfield.example", "False", "Office 365 A1 for faculty", "",
         "Enforced", "2026-11-30 10:00:00", "Main"],
        {"enabled": True, "is_admin": None, "mfa_on": True, "display_name": "Ada Lovelace"}),
    "google workspace": (
        ["First Name [Required]", "Last Name [Required]", "Email Address [Required]",
         "Password [Required]", "Org Unit Path [Required]", "Status [READ ONLY]",
         "Last Sign In [READ ONLY]", "2sv Enrolled [READ ONLY]", "2sv Enforced [READ ONLY]"],
        ["Ada", "Lovelace", "ada@oakfield.example", "hunter2", "/Staff", "Suspended",
         "2026/11/30 10:00:00", "False", "True"],
        {"enabled": False, "is_admin": None, "mfa_on": False, "display_name": "Ada Lovelace"}),
    "sims": (
        ["User name", "Forename", "Surname", "Status", "User groups"],
        ["alovelace", "Ada", "Lovelace", "Active", "System Manager; Teachers"],
        {"enabled": True, "is_admin": True, "mfa_on": None, "display_name": "Ada Lovelace"}),
    "plain": (
        ["username", "name", "email", "enabled", "admin", "two-factor", "last sign-in"],
        ["ada", "Ada Lovelace", "ada@oakfield.example", "yes", "no", "on", "30/11/2026"],
        {"enabled": True, "is_admin": False, "mfa_on": True, "display_name": "Ada Lovelace"}),
    "blocked": (
        ["Login", "Full name", "Blocked", "Role"],
        ["ada", "Ada Lovelace", "yes", "Administrator"],
        {"enabled": False, "is_admin": True, "mfa_on": None, "display_name": "Ada Lovelace"}),
}


@pytest.mark.parametrize("style", list(HEADINGS_OF_EXPORTS))
def test_the_headings_of_each_export_style(personas: Personas, staff: dict[str, Any],
                                           tmp_path: Path, style: str) -> None:
    headings, row, expected = HEADINGS_OF_EXPORTS[style]
    sims = system(personas)
    result = reconcile(personas, write_csv(tmp_path, [headings, row]), sims)
    assert result.ok, list(result.problems)
    account = SystemAccount.objects.get(system=sims)
    assert {name: getattr(account, name) for name in expected} == expected
    assert account.person == staff["ada"]
    if style == "google workspace":
        # The password column is never read, and the note says so.
        assert any("Password [Required]" in note and "never stores" in note
                   for note in result.notes)
        assert "hunter2" not in repr(result.as_dict())
        assert account.username == "ada@oakfield.example"


def test_a_workbook_is_read_like_a_csv_file(personas: Personas, staff: dict[str, Any],
                                            tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Username", "Email", "Admin", "Last sign-in"])
    sheet.append(["ada", "ada@oakfield.example", True, datetime(2026, 11, 30, 9, 30)])
    path = tmp_path / "users.xlsx"
    workbook.save(path)
    result = reconcile(personas, path, system(personas))
    assert result.ok and result.file_format == "xlsx"
    account = SystemAccount.objects.get()
    assert account.is_admin is True and account.person == staff["ada"]
    assert account.last_sign_in_at == datetime(2026, 11, 30, 9, 30, tzinfo=LONDON)


def test_a_file_without_a_username_column_is_refused_on_row_1(
        personas: Personas, tmp_path: Path) -> None:
    result = reconcile(personas, write_csv(tmp_path, [["Name"], ["Ada"]]), system(personas))
    assert [(p.row, p.column) for p in result.problems] == [(1, "Username")]


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-30T08:15:00Z", datetime(2026, 11, 30, 8, 15, tzinfo=ZoneInfo("UTC"))),
    ("2026/11/30 08:15:00", datetime(2026, 11, 30, 8, 15, tzinfo=LONDON)),
    ("30/11/2026 8:15 pm", datetime(2026, 11, 30, 20, 15, tzinfo=LONDON)),
    ("30 November 2026", datetime(2026, 11, 30, tzinfo=LONDON)),
])
def test_sign_in_times_in_the_exports_forms(text: str, expected: datetime) -> None:
    assert parse_sign_in(text, LONDON) == (expected, False)


def test_the_demo_schools_sims_list_reads_cleanly(personas: Personas) -> None:
    """docs/user-lists/larkspur-sims-users.csv, against the demo school's people."""
    today = timezone.localdate()
    for full_name in ("Amara Osei", "Sofia Novak", "Hannah Brooks", "Ellie Morgan",
                      "Grace Adeyemi", "Tom Whitfield", "Mateo Silva", "Daniel Price",
                      "Jordan Fraser"):
        person(personas.school, full_name)
    person(personas.school, "Peter Gray", leaving_date=today - timedelta(days=60))
    path = Path(__file__).resolve().parents[4] / "docs/user-lists/larkspur-sims-users.csv"
    result = reconcile(personas, path, system(personas), dry_run=True,
                       now=datetime(2026, 12, 6, 12, 0, tzinfo=LONDON))
    assert result.ok and result.rows == 13
    assert section(result, "leavers_enabled") == ["pgray"]
    assert section(result, "unmatched") == ["kdoyle", "office", "capita.support"]
    assert section(result, "admin_without_mfa") == ["aosei", "snovak", "capita.support"]
    assert section(result, "not_used") == ["twhitfield", "capita.support"]
