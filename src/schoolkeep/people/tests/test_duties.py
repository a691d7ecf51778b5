"""The duties of the Single Central Record: each raised and not raised, counts that agree
with lists across schools with different rules, constant queries, owners and titles."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from schoolkeep.duties import registry
from schoolkeep.duties.selectors import duties_for_school
from schoolkeep.duties.types import DUE, OVERDUE, DutyCounts
from schoolkeep.people import services
from schoolkeep.people.duties import provider
from schoolkeep.people.models import CertificateCopy, Check, CheckType, Person, PersonKind
from schoolkeep.people.rules.rule_sets import required_checks, rule_set_for
from schoolkeep.people.rules.services import people_settings_update, rules_set_for_school
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
HORIZON = timedelta(days=14)
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"

C = CheckType


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def uploads_dir(settings: Any, tmp_path: Path) -> Path:
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


_numbers = itertools.count(1)


def person(school: School, kind: str = PersonKind.SUPPORT, *, start: int | None = -30,
           **fields: Any) -> Person:
    name = fields.pop("full_name", f"Person {next(_numbers)}")
    return services.person_create(
        school=school, actor=None, full_name=name, kind=kind,
        start_date=None if start is None else days(start), **fields)


def complete(who: Person, *, skip: tuple[str, ...] = (), **by_type: dict[str, Any]) -> None:
    """Record every check the school's rules require of ``who`` as done (but ``skip``)."""
    for check_type, (required, _why) in required_checks(who, rule_set_for(who.school)).items():
        if required and check_type not in skip:
            services.check_save(person=who, actor=None, check_type=check_type,
                                status=Check.Status.DONE, done_on=days(-60),
                                **by_type.get(check_type, {}))


def listed(school: School, kind: str = "") -> list[Any]:
    duties = provider.for_school(school.pk, now=NOW, horizon=NOW + HORIZON)
    return [d for d in duties if d.key.startswith(f"people.{kind}")]


def counted(school: School) -> DutyCounts:
    return provider.counts([school.pk], now=NOW, horizon=NOW + HORIZON).get(
        school.pk, DutyCounts())


def agree(school: School) -> list[Any]:
    duties = listed(school)
    expected = DutyCounts(due=sum(d.status == DUE for d in duties),
                          overdue=sum(d.status == OVERDUE for d in duties))
    assert counted(school) == expected
    return duties


def upload_copy(check: Check) -> CertificateCopy:
    return services.copy_upload(check=check, actor=None,
                                uploaded_file=SimpleUploadedFile("dbs.pdf", PDF_BYTES))


def test_the_provider_is_registered():
    assert registry.label_for("people") == "People and the Single Central Record"
    assert any(p is provider for p in registry.providers())


# --- missing checks --------------------------------------------------------------------


def test_a_missing_required_check_is_overdue_after_the_start_date(personas):
    who = person(personas.school, full_name="Daniel Price", start=-10)
    complete(who, skip=(C.BARRED_LIST,))
    [duty] = listed(personas.school, "check-missing")
    assert duty.status == OVERDUE
    assert duty.due_at == days(-10)
    assert duty.title == "Complete the Single Central Record checks"
    assert duty.subject == "Daniel Price"
    assert "Daniel" not in duty.title and "Price" not in duty.title
    assert duty.owner_role == Role.HR_ADMIN
    assert duty.url == reverse("people:person-detail", args=[who.public_id])
    assert duty.oversight_url == reverse("people:record")
    agree(personas.school)


def test_one_duty_per_person_however_many_checks_are_missing(personas):
    person(personas.school, start=-3)  # nothing recorded at all
    assert [d.status for d in listed(personas.school, "check-missing")] == [OVERDUE]
    assert counted(personas.school) == DutyCounts(overdue=1)


def test_a_pending_check_is_still_missing(personas):
    who = person(personas.school)
    complete(who, skip=(C.ENHANCED_DBS,))
    services.check_save(person=who, actor=None, check_type=C.ENHANCED_DBS,
                        status=Check.Status.PENDING)
    assert len(listed(personas.school, "check-missing")) == 1


def test_a_newcomer_is_due_on_their_start_date_within_the_horizon_only(personas):
    person(personas.school, start=5)
    person(personas.school, start=20)  # beyond the 14 days: not listed yet
    [duty] = listed(personas.school, "check-missing")
    assert (duty.status, duty.due_at) == (DUE, days(5))
    assert agree(personas.school) == [duty]


def test_without_a_start_date_the_record_creation_date_counts(personas):
    person(personas.school, start=None)
    [duty] = listed(personas.school, "check-missing")
    assert (duty.status, duty.due_at) == (DUE, TODAY)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        later = NOW + timedelta(days=1)
        [duty] = [d for d in provider.for_school(personas.school.pk, now=later,
                                                 horizon=later + HORIZON)]
        assert duty.status == OVERDUE
        assert provider.counts([personas.school.pk], now=later, horizon=later + HORIZON)[
            personas.school.pk] == DutyCounts(overdue=1)


def test_complete_records_and_checks_not_required_raise_nothing(personas):
    complete(person(personas.school))
    complete(person(personas.school, PersonKind.TEACHING, does_teaching_work=True))
    excused = person(personas.school)
    complete(excused, skip=(C.RIGHT_TO_WORK,))
    services.override_set(person=excused, actor=None, check_type=C.RIGHT_TO_WORK,
                          required=False, reason="Checked by the local authority")
    assert listed(personas.school) == []
    assert counted(personas.school) == DutyCounts()


def test_an_override_can_make_a_check_required(personas):
    who = person(personas.school, PersonKind.CONTRACTOR)
    complete(who)
    assert listed(personas.school) == []
    services.override_set(person=who, actor=None, check_type=C.ENHANCED_DBS, required=True,
                          reason="Works unsupervised in the school")
    assert len(listed(personas.school, "check-missing")) == 1
    agree(personas.school)


def test_leavers_raise_nothing_but_people_still_to_leave_do(personas):
    person(personas.school, leaving_date=TODAY)  # leaves today: gone from the record
    person(personas.school, start=-300, leaving_date=days(-100))
    staying = person(personas.school, leaving_date=days(30))
    [duty] = listed(personas.school, "check-missing")
    assert duty.key == f"people.check-missing:{staying.public_id}"
    agree(personas.school)


def test_a_rule_change_changes_who_has_the_duty(personas):
    who = person(personas.school, PersonKind.VOLUNTEER)
    complete(who)
    assert listed(personas.school) == []
    rules_set_for_school(school=personas.school, actor=None, rules=[
        (C.IDENTITY, PersonKind.VOLUNTEER, "always"),
        (C.ENHANCED_DBS, PersonKind.VOLUNTEER, "always"),
        (C.BARRED_LIST, PersonKind.VOLUNTEER, "always"),
    ])
    assert [d.subject for d in listed(personas.school, "check-missing")] == [who.full_name]
    agree(personas.school)


# --- agency confirmation -----------------------------------------------------------------


def test_an_agency_worker_without_the_agencys_confirmation(personas):
    worker = person(personas.school, PersonKind.AGENCY, full_name="Jordan Fraser", start=-2)
    complete(worker, skip=(C.AGENCY_CONFIRMATION,))
    [duty] = listed(personas.school)
    assert duty.key == f"people.agency-confirmation:{worker.public_id}"
    assert (duty.status, duty.due_at) == (OVERDUE, days(-2))
    assert duty.url == reverse("people:check-edit",
                               args=[worker.public_id, C.AGENCY_CONFIRMATION])
    assert "Jordan" not in duty.title and duty.subject == "Jordan Fraser"
    assert duty.owner_role == Role.HR_ADMIN
    agree(personas.school)


def test_an_agency_worker_missing_other_checks_has_both_duties(personas):
    worker = person(personas.school, PersonKind.AGENCY, start=3)
    kinds = sorted(d.key.split(":")[0] for d in listed(personas.school))
    assert kinds == ["people.agency-confirmation", "people.check-missing"]
    assert {d.status for d in listed(personas.school)} == {DUE}
    complete(worker)
    assert listed(personas.school) == []
    assert counted(personas.school) == DutyCounts()


def test_a_pending_confirmation_is_still_a_duty_and_a_leaver_has_none(personas):
    worker = person(personas.school, PersonKind.AGENCY)
    complete(worker, skip=(C.AGENCY_CONFIRMATION,))
    services.check_save(person=worker, actor=None, check_type=C.AGENCY_CONFIRMATION,
                        status=Check.Status.PENDING)
    assert len(listed(personas.school, "agency-confirmation")) == 1
    services.person_mark_leaver(person=worker, actor=None, leaving_date=days(-1))
    assert listed(personas.school) == []
    assert counted(personas.school) == DutyCounts()


# --- right to work -----------------------------------------------------------------------


@pytest.mark.parametrize(("ends_in", "status"), [(-1, OVERDUE), (0, DUE), (30, DUE),
                                                 (60, DUE), (61, None), (200, None)])
def test_right_to_work_ending_within_sixty_days(personas, ends_in, status):
    who = person(personas.school, full_name="Mateo Silva")
    complete(who, right_to_work={"right_to_work_expires_on": days(ends_in)})
    duties = listed(personas.school)
    if status is None:
        assert duties == []
    else:
        [duty] = duties
        assert duty.key.startswith("people.right-to-work-expiring:")
        assert (duty.status, duty.due_at) == (status, days(ends_in))
        assert duty.subject == "Mateo Silva" and "Mateo" not in duty.title
        assert duty.url == reverse("people:check-edit", args=[who.public_id, C.RIGHT_TO_WORK])
    agree(personas.school)


def test_right_to_work_is_listed_sixty_days_ahead_whatever_the_horizon(personas):
    complete(person(personas.school), right_to_work={"right_to_work_expires_on": days(45)})
    short = provider.for_school(personas.school.pk, now=NOW, horizon=NOW + timedelta(days=1))
    long = provider.for_school(personas.school.pk, now=NOW, horizon=NOW + timedelta(days=90))
    assert len(short) == len(long) == 1


def test_right_to_work_of_a_leaver_raises_nothing(personas):
    who = person(personas.school, leaving_date=TODAY)
    complete(who, right_to_work={"right_to_work_expires_on": days(10)})
    assert listed(personas.school) == []
    assert counted(personas.school) == DutyCounts()


# --- DBS Update Service --------------------------------------------------------------------


def on_update_service(school: School, checked: int | None, issued: int = -900) -> Person:
    who = person(school, full_name="Hannah Brooks", start=-1000)
    dbs: dict[str, Any] = {"on_update_service": True, "dbs_issued_on": days(issued)}
    if checked is not None:
        dbs["update_service_checked_on"] = days(checked)
    complete(who, enhanced_dbs=dbs)
    return who


def test_an_update_service_check_older_than_a_year_is_overdue(personas):
    who = on_update_service(personas.school, checked=-400)
    [duty] = listed(personas.school)
    assert duty.key.startswith("people.update-service-due:")
    assert (duty.status, duty.due_at) == (OVERDUE, days(-400 + 365))
    assert duty.url == reverse("people:check-edit", args=[who.public_id, C.ENHANCED_DBS])
    assert duty.subject == "Hannah Brooks" and "Hannah" not in duty.title
    agree(personas.school)


def test_an_update_service_check_falling_due_within_the_horizon_is_due(personas):
    on_update_service(personas.school, checked=-360)
    [duty] = listed(personas.school)
    assert (duty.status, duty.due_at) == (DUE, days(5))
    agree(personas.school)


def test_a_recent_update_service_check_or_none_on_the_service_raises_nothing(personas):
    on_update_service(personas.school, checked=-100)
    complete(person(personas.school), enhanced_dbs={"dbs_issued_on": days(-2000)})
    assert listed(personas.school) == []
    assert counted(personas.school) == DutyCounts()


def test_never_checked_on_the_update_service_counts_from_the_issue_date(personas):
    on_update_service(personas.school, checked=None, issued=-500)
    [duty] = listed(personas.school)
    assert duty.due_at == days(-500 + 365)


def test_the_schools_interval_decides(personas):
    on_update_service(personas.school, checked=-100)
    assert listed(personas.school) == []
    people_settings_update(school=personas.school, actor=None, version=1,
                           update_service_interval_days=90)
    [duty] = listed(personas.school)
    assert (duty.status, duty.due_at) == (OVERDUE, days(-10))
    agree(personas.school)


# --- certificate copies --------------------------------------------------------------------


def dbs_check(school: School, **fields: Any) -> Check:
    who = person(school, full_name="Grace Adeyemi", **fields)
    complete(who)
    return Check.objects.get(person=who, check_type=C.ENHANCED_DBS)


def backdate(copy: CertificateCopy, moment: datetime) -> None:
    CertificateCopy.objects.filter(pk=copy.pk).update(delete_after=moment)


def test_a_copy_past_its_deletion_date_is_overdue(personas):
    check = dbs_check(personas.school)
    copy = upload_copy(check)
    upload_copy(check)  # kept for another six months: no duty
    backdate(copy, NOW - timedelta(minutes=20))
    [duty] = listed(personas.school)
    assert duty.key == f"people.certificate-copy-due:{copy.public_id}"
    assert (duty.status, duty.due_at) == (OVERDUE, NOW - timedelta(minutes=20))
    assert duty.subject == "Grace Adeyemi" and "Grace" not in duty.title
    assert duty.url == reverse("people:check-edit", args=[check.person.public_id,
                                                           C.ENHANCED_DBS])
    agree(personas.school)


def test_a_copy_due_later_or_deleted_raises_nothing(personas):
    check = dbs_check(personas.school)
    soon = upload_copy(check)
    backdate(soon, NOW + timedelta(days=2))  # the tick will delete it then
    gone = upload_copy(check)
    backdate(gone, NOW - timedelta(days=1))
    services.copy_delete(copy=gone, actor=None, reason="No longer needed")
    assert listed(personas.school) == []
    assert counted(personas.school) == DutyCounts()


def test_a_leavers_copy_past_its_date_is_still_a_duty(personas):
    check = dbs_check(personas.school, start=-400, leaving_date=days(-5))
    backdate(upload_copy(check), NOW - timedelta(hours=1))
    assert len(listed(personas.school, "certificate-copy-due")) == 1
    agree(personas.school)


# --- counts across schools, queries, owners --------------------------------------------------


def update_service_holder(school: School, *, checked: int) -> Check:
    """A complete record, with a DBS check on the Update Service (whatever the rules)."""
    holder = person(school, start=-1000)
    complete(holder, skip=(C.ENHANCED_DBS,))
    return services.check_save(
        person=holder, actor=None, check_type=C.ENHANCED_DBS, status=Check.Status.DONE,
        done_on=days(-900), dbs_issued_on=days(-900), on_update_service=True,
        update_service_checked_on=days(checked))


def raise_everything(school: School, n: int) -> None:
    """``n`` people with each kind of duty, and a complete record."""
    for i in range(n):
        complete(person(school))
        person(school, PersonKind.TEACHING, is_management_post=True, start=(i % 20) - 10)
        worker = person(school, PersonKind.AGENCY, start=(i % 20) - 10)
        complete(worker, skip=(C.AGENCY_CONFIRMATION,))
        complete(person(school), right_to_work={"right_to_work_expires_on": days(i % 70 - 5)})
        check = update_service_holder(school, checked=-352 - i * 3)
        backdate(upload_copy(check), NOW - timedelta(hours=i + 1))


def test_counts_agree_with_lists_across_schools_with_different_rules(personas):
    maintained = personas.school
    academy = SchoolFactory(kind=School.Kind.ACADEMY)
    own_rules = SchoolFactory()
    rules_set_for_school(school=own_rules, actor=None, rules=[
        (C.IDENTITY, kind, "always") for kind in PersonKind.values])
    people_settings_update(school=own_rules, actor=None, version=1,
                           update_service_interval_days=30)
    for school in (maintained, academy, own_rules):
        raise_everything(school, 3)
        # A management post: section 128 only under the academy's rules.
        complete(person(school, PersonKind.SUPPORT, is_management_post=True),
                 skip=(C.SECTION_128,))
        update_service_holder(school, checked=-100)  # overdue only with a 30-day interval
        # Identity only: complete under the school's own rules alone.
        services.check_save(person=person(school), actor=None, check_type=C.IDENTITY,
                            status=Check.Status.DONE, done_on=days(-40))
    ids = [maintained.pk, academy.pk, own_rules.pk]
    counts = provider.counts(ids, now=NOW, horizon=NOW + HORIZON)
    for school in (maintained, academy, own_rules):
        duties = listed(school)
        assert counts[school.pk] == DutyCounts(
            due=sum(d.status == DUE for d in duties),
            overdue=sum(d.status == OVERDUE for d in duties))
    missing = {s.pk: len(listed(s, "check-missing")) for s in (maintained, academy, own_rules)}
    assert missing[academy.pk] == missing[maintained.pk] + 1  # section 128 of the manager
    assert missing[own_rules.pk] < missing[maintained.pk]  # identity only
    update = {s.pk: len(listed(s, "update-service-due")) for s in (maintained, own_rules)}
    assert update[own_rules.pk] > update[maintained.pk]  # a 30-day interval


def test_counts_run_one_aggregate_for_any_number_of_schools(personas,
                                                             django_assert_num_queries):
    schools = [personas.school, SchoolFactory(kind=School.Kind.ACADEMY), SchoolFactory()]
    raise_everything(schools[0], 1)
    with django_assert_num_queries(2):  # the schools, then one UNION ALL of aggregates
        provider.counts([schools[0].pk], now=NOW, horizon=NOW + HORIZON)
    for school in schools:
        raise_everything(school, 3)
    with django_assert_num_queries(2):
        counts = provider.counts([s.pk for s in schools], now=NOW, horizon=NOW + HORIZON)
    assert all(counts[s.pk].total > 0 for s in schools)
    assert provider.counts([], now=NOW, horizon=NOW + HORIZON) == {}


def test_lists_run_a_constant_number_of_queries(personas, django_assert_num_queries):
    raise_everything(personas.school, 1)
    with django_assert_num_queries(6):  # the school, one per kind of duty
        few = listed(personas.school)
    raise_everything(personas.school, 6)
    with django_assert_num_queries(6):
        many = listed(personas.school)
    assert len(many) > len(few) >= 5


def test_the_hr_administrator_owns_the_duties(personas):
    person(personas.school)
    [duty] = [d for d in duties_for_school(personas.school, NOW) if d.module == "people"]
    assert duty.owner_user_ids == (personas.hr_admin.pk,)
    assert duty.owner_label == Role.HR_ADMIN.label


def test_without_an_hr_administrator_the_siro_owns_them(db):
    school = SchoolFactory()
    siro = UserFactory()
    MembershipFactory(user=siro, school=school, roles=[Role.SIRO])
    person(school)
    [duty] = [d for d in duties_for_school(school, NOW) if d.module == "people"]
    assert duty.owner_user_ids == (siro.pk,)
    assert "nobody is HR administrator" in duty.owner_label


def test_no_title_names_anyone(personas):
    raise_everything(personas.school, 2)
    names = list(Person.objects.filter(school=personas.school).values_list("full_name",
                                                                            flat=True))
    duties = listed(personas.school)
    assert {d.key.split(":")[0] for d in duties} == {
        "people.check-missing", "people.agency-confirmation",
        "people.right-to-work-expiring", "people.update-service-due",
        "people.certificate-copy-due"}
    for duty in duties:
        assert duty.subject in names
        assert not any(name in duty.title for name in names)
        assert duty.module == "people" and duty.owner_role == Role.HR_ADMIN
