"""Importing a policy document from its text: by the command line and by the upload on the
register page; the header's approval and next review (a term resolved with the school's
calendar, estimated or confirmed); the same text twice changes nothing; a dry run writes
nothing; an unreadable header writes nothing and says where; the seed itself."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from tests.seed import SEED_POLICY

from schoolkeep.agreements.policies.hooks import policies_follow_terms
from schoolkeep.agreements.policies.imports import (
    CREATED,
    UNCHANGED,
    VERSION_ADDED,
    policy_import,
)
from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.agreements.tests.policy_texts import policy_text
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.tenancy.services_terms import terms_set_for_year

REPOSITORY = Path(__file__).resolve().parents[4]
SEED = SEED_POLICY

# The default (estimated) pattern ends Spring 2022 a week before Good Friday (15 April).
ESTIMATED_SPRING_2022_END = date(2022, 4, 8)


def confirm_2021_22(school, spring_ends=date(2022, 4, 1)):
    terms_set_for_year(school=school, academic_year=2021, actor=None, holidays=[], terms={
        "autumn": (date(2021, 9, 2), date(2021, 12, 17)),
        "spring": (date(2022, 1, 4), spring_ends),
        "summer": (date(2022, 4, 19), date(2022, 7, 20))})


def write(tmp_path: Path, text: str, name: str = "phones.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_policy", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- the service ----------------------------------------------------------------------------

def test_a_policy_text_becomes_an_approved_policy(personas):
    result = policy_import(school=personas.school, actor=personas.siro, text=policy_text())
    assert result.ok and result.outcome == CREATED and not result.warnings
    policy = Policy.objects.get(school=personas.school)
    assert policy.title == "Mobile Phones Policy"
    assert policy.approved_on == date(2021, 10, 14)
    assert policy.approved_by_name == "Ruth Ellery"
    assert policy.next_review_term == "Spring 2022"
    assert policy.next_review_on == ESTIMATED_SPRING_2022_END
    version = policy.current_version
    assert version is not None and version.number == 1
    assert version.status == PolicyVersion.Status.APPROVED
    assert version.source == PolicyVersion.Source.IMPORTED
    assert version.approved_by is None  # read from the header, not recorded in Schoolkeep
    assert (version.stated_school_name, version.stated_review_date, version.stated_next_review,
            version.stated_reviewer) == (
        "Oakfield Primary", date(2021, 10, 14), "Spring 2022",
        "Governor Name: Ruth Ellery Governor Signature:")
    assert "\tName of School\tOakfield Primary\n" in version.text
    actions = set(AuditEvent.objects.filter(school=personas.school).values_list("action",
                                                                                flat=True))
    assert {"agreements.policy.created", "agreements.policy.imported",
            "agreements.policy_version.approved", "agreements.policy.updated"} <= actions


def test_a_term_resolves_with_the_schools_confirmed_calendar(personas):
    confirm_2021_22(personas.school)
    result = policy_import(school=personas.school, actor=None, text=policy_text())
    assert result.review.on == date(2022, 4, 1) and not result.review.estimated
    assert Policy.objects.get().next_review_on == date(2022, 4, 1)


def test_a_term_resolves_to_an_estimate_without_the_schools_dates(personas):
    result = policy_import(school=personas.school, actor=None, text=policy_text())
    assert result.review.estimated
    assert any("estimated date" in line for line in result.detail_lines())


def test_when_the_school_confirms_its_terms_the_review_date_follows(personas):
    policy_import(school=personas.school, actor=None, text=policy_text())
    confirm_2021_22(personas.school, spring_ends=date(2022, 3, 31))  # the hook follows
    policy = Policy.objects.get()
    assert policy.next_review_on == date(2022, 3, 31)
    assert AuditEvent.objects.filter(action="agreements.policy.review_date_resolved").count() == 1
    # Nothing moves the second time, and other years are left alone.
    assert policies_follow_terms(school=personas.school, academic_year=2021) == 0
    assert policies_follow_terms(school=personas.school, academic_year=2022) == 0


def test_a_trusts_dates_are_followed_by_every_school_of_the_trust(personas):
    policy_import(school=personas.school, actor=None, text=policy_text())
    trust = personas.school.organisation
    terms_set_for_year(organisation=trust, academic_year=2021, actor=None, holidays=[], terms={
        "autumn": (date(2021, 9, 2), date(2021, 12, 17)),
        "spring": (date(2022, 1, 4), date(2022, 3, 30)),
        "summer": (date(2022, 4, 19), date(2022, 7, 20))})
    assert Policy.objects.get().next_review_on == date(2022, 3, 30)  # the hook followed
    assert policies_follow_terms(organisation=trust, academic_year=2021) == 0


def test_a_next_review_date_is_kept_as_a_date(personas):
    policy_import(school=personas.school, actor=None,
                  text=policy_text(next_review="30th September 2022"))
    policy = Policy.objects.get()
    assert (policy.next_review_on, policy.next_review_term) == (date(2022, 9, 30), "")


def test_the_same_text_again_changes_nothing_and_says_so(personas):
    policy_import(school=personas.school, actor=None, text=policy_text())
    events = AuditEvent.objects.count()
    again = policy_import(school=personas.school, actor=None,
                          text=policy_text().replace("\n", "\r\n"))
    assert again.ok and again.outcome == UNCHANGED
    assert "already version 1; nothing changed" in again.summary()
    assert PolicyVersion.objects.count() == 1 and AuditEvent.objects.count() == events


def test_a_changed_text_adds_a_version_and_supersedes_the_old_approval(personas):
    policy_import(school=personas.school, actor=None, text=policy_text())
    newer = policy_import(school=personas.school, actor=None, text=policy_text(
        reviewed="2nd February 2023", next_review="Spring 2024", body="New rules.\n"))
    assert newer.outcome == VERSION_ADDED
    policy = Policy.objects.get()
    first, second = PolicyVersion.objects.order_by("number")
    assert first.status == PolicyVersion.Status.SUPERSEDED
    assert second.status == PolicyVersion.Status.APPROVED
    assert policy.current_version == second
    assert policy.approved_on == date(2023, 2, 2) and policy.next_review_term == "Spring 2024"


def test_an_older_review_than_the_approval_in_force_is_kept_as_a_draft(personas):
    policy_import(school=personas.school, actor=None, text=policy_text())
    older = policy_import(school=personas.school, actor=None, text=policy_text(
        reviewed="1st May 2019", body="Old rules.\n"))
    assert older.ok and not older.approved and older.warnings
    policy = Policy.objects.get()
    assert policy.approved_on == date(2021, 10, 14) and policy.current_version.number == 1
    assert PolicyVersion.objects.get(number=2).status == PolicyVersion.Status.DRAFT


def test_without_a_governor_the_version_stays_a_draft(personas):
    result = policy_import(school=personas.school, actor=None, text=policy_text(governor=""))
    assert result.ok and not result.approved
    policy = Policy.objects.get()
    assert policy.current_version is None and policy.approved_on is None
    assert policy.next_review_term == "Spring 2022"


def test_another_schools_name_is_a_warning_not_an_error(personas):
    result = policy_import(school=personas.school, actor=None,
                           text=policy_text(school="Brookfield Primary"))
    assert result.ok
    assert result.warnings == ['The header names the school "Brookfield Primary", not '
                               "Oakfield Primary. The policy is recorded for Oakfield Primary."]


def test_an_unreadable_header_writes_nothing(personas):
    result = policy_import(school=personas.school, actor=None,
                           text=policy_text(reviewed="14th Octobre 2021"))
    assert not result.ok
    assert [str(p) for p in result.problems] == [
        'Line 3: Policy Review Date: "14th Octobre 2021" is not a date Schoolkeep can read. '
        'Write it like "18 November 2020".']
    assert not Policy.objects.exists() and not AuditEvent.objects.filter(
        action__startswith="agreements.").exists()


def test_a_dry_run_writes_nothing(personas):
    result = policy_import(school=personas.school, actor=None, text=policy_text(),
                           dry_run=True)
    assert result.ok and result.outcome == CREATED and result.approved
    assert result.summary() == ("Mobile Phones Policy would be added to the register, with "
                                "this text as version 1.")
    assert not Policy.objects.exists() and not PolicyVersion.objects.exists()


def test_only_the_siro_or_dpo_may_import(personas):
    with pytest.raises(NotAllowed):
        policy_import(school=personas.school, actor=personas.governor, text=policy_text())
    assert not Policy.objects.exists()


# --- the command line -----------------------------------------------------------------------

def test_the_command_imports_and_a_second_run_changes_nothing(personas, tmp_path):
    path = write(tmp_path, policy_text())
    out, _ = run(path, "--school", "oakfield")
    assert "Mobile Phones Policy is added to the register" in out
    assert "Approved on 14 October 2021 by Ruth Ellery" in out
    assert "Spring 2022, which ends on 8 April 2022 (an estimated date" in out
    out, _ = run(path, "--school", "oakfield")
    assert "already version 1; nothing changed" in out
    assert Policy.objects.count() == 1 and PolicyVersion.objects.count() == 1
    event = AuditEvent.objects.filter(action="agreements.policy.imported").get()
    assert event.actor_label.startswith("cli")


def test_the_command_dry_run_writes_nothing(personas, tmp_path):
    out, _ = run(write(tmp_path, policy_text()), "--school", "oakfield", "--dry-run")
    assert out.startswith("Dry run, nothing written.")
    assert not Policy.objects.exists()


def test_the_command_reports_an_unreadable_header_and_exits_2(personas, tmp_path):
    path = write(tmp_path, policy_text(next_review="one day"))
    with pytest.raises(SystemExit) as exit_info:
        run(path, "--school", "oakfield")
    assert exit_info.value.code == 2
    assert not Policy.objects.exists()


def test_the_command_prints_the_problem_with_its_line(personas, tmp_path):
    path = write(tmp_path, policy_text(next_review="one day"))
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("import_policy", str(path), "--school", "oakfield", stdout=StringIO(),
                     stderr=err)
    assert 'Line 4: Next Review Date: "one day" is neither a date nor a term' in err.getvalue()
    assert "1 problem in phones.txt: nothing was imported." in err.getvalue()


def test_the_command_refuses_an_unknown_school_and_a_binary_file(personas, tmp_path):
    with pytest.raises(CommandError, match="No school"):
        run(write(tmp_path, policy_text()), "--school", "nowhere")
    binary = tmp_path / "policy.pdf"
    binary.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n\x00\x01")
    with pytest.raises(CommandError, match="plain text"):
        run(binary, "--school", "oakfield")


def test_the_command_warns_about_another_schools_name(personas, tmp_path):
    out, _ = run(write(tmp_path, policy_text(school="Elm Tree School")), "--school", "oakfield")
    assert "Warnings:" in out and '"Elm Tree School"' in out


# --- the upload on the register page -------------------------------------------------------

def upload(client, text: str | bytes, *, dry_run: bool = False, name: str = "phones.txt"):
    data = text.encode() if isinstance(text, str) else text
    body = {"file": SimpleUploadedFile(name, data, content_type="text/plain")}
    if dry_run:
        body["dry_run"] = "on"
    return client.post(reverse("policies:policy-import"), body)


def test_the_upload_records_the_policy_and_goes_to_its_page(personas, login):
    client = login(personas.dpo)
    response = upload(client, policy_text(school="Elm Tree School"))
    policy = Policy.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("policies:policy-detail", args=[policy.public_id])
    page = client.get(response["Location"]).content.decode()
    assert "Mobile Phones Policy is added to the register" in page
    assert "Elm Tree School" in page  # the warning
    assert "Ruth Ellery" in page
    again = upload(client, policy_text(school="Elm Tree School"))
    assert "nothing changed" in client.get(again["Location"]).content.decode()
    assert PolicyVersion.objects.count() == 1


def test_the_upload_dry_run_shows_what_would_happen(personas, login):
    response = upload(login(personas.siro), policy_text(), dry_run=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "What the import would do" in html and "would be added to the register" in html
    assert not Policy.objects.exists()


def test_the_upload_shows_each_header_problem(personas, login):
    response = upload(login(personas.siro), policy_text(reviewed="last autumn"))
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "Line 3: Policy Review Date: &quot;last autumn&quot;" in html
    assert not Policy.objects.exists()


def test_the_upload_refuses_a_file_that_is_not_text(personas, login):
    response = upload(login(personas.siro), b"%PDF-1.4\n\x00\x01\x02", name="phones.txt")
    assert "The file must be plain text." in response.content.decode()
    assert not Policy.objects.exists()


def test_the_upload_is_for_the_siro_and_dpo(personas, login):
    assert upload(login(personas.governor), policy_text()).status_code == 403
    assert not Policy.objects.exists()


# --- the seed -------------------------------------------------------------------------------

def test_the_seed_becomes_the_online_security_policy_overdue_since_spring_2022(personas):
    result = policy_import(school=personas.school, actor=None,
                           text=SEED.read_text(encoding="utf-8"))

    assert result.ok, result.problems
    policy = Policy.objects.get(school=personas.school)
    assert policy.title == "Online Security Policy"
    assert policy.kind == Policy.Kind.ONLINE_SECURITY
    assert policy.approved_on == date(2020, 11, 18)
    assert policy.approved_by_name == "Julie Lamb"
    assert policy.next_review_term == "Spring 2022"
    assert policy.next_review_on == ESTIMATED_SPRING_2022_END
    assert result.review.estimated
    assert result.warnings == ['The header names the school "Corbets Tey School", not '
                               "Oakfield Primary. The policy is recorded for Oakfield Primary."]
    version = policy.current_version
    assert version is not None and version.stated_school_name == "Corbets Tey School"
    from django.utils import timezone

    from schoolkeep.agreements.policies.selectors import Status, review_states
    [(_, state)] = review_states(personas.school, [policy], today=timezone.localdate())
    assert state.status == Status.OVERDUE and state.estimated
