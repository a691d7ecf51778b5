"""THE test of Schoolkeep's own erasure: after a leaver is erased, nothing anywhere holds
their name, e-mail, date of birth, DBS number, nor the keyed hashes of the last two.

Every column of every table is read through its model (so encrypted columns are decrypted
and JSON is read as text), tables without a model as raw text, and every file under the
data directory (uploads, exports, the ledger) as bytes. The audit trail's chains still
verify, and a chain head copied before the erasure is still in its chain.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditChainHead, AuditEvent, AuditSubjectKey
from schoolkeep.audit.verify import audit_verify
from schoolkeep.people.models import Check, Person
from schoolkeep.people.services import person_link_account
from schoolkeep.privacy.erasure.runner import run_erasure
from schoolkeep.privacy.tests.erasure_support import PDF_BYTES, add_dbs, make_leaver
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.roles import Role

NAME = "Bartholomew Quince"
EMAIL = "b.quince@example.org"
DOB = date(1981, 3, 14)
DBS = "009876543210"


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    return "" if value is None else str(value)


def traces_in_database(needles: list[str]) -> list[str]:
    """Where any needle appears: "table.column" for every hit."""
    found: list[str] = []
    lowered = [n.lower() for n in needles]
    modelled = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        modelled.add(meta.db_table)
        names = [f.attname for f in meta.concrete_fields]
        for row in model._base_manager.values_list(*names).iterator():
            for name, value in zip(names, row, strict=True):
                text = _text(value).lower()
                if any(n in text for n in lowered):
                    found.append(f"{meta.db_table}.{name}")
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in modelled:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # nosec B608
            for row in cursor.fetchall():
                if any(n in _text(v).lower() for v in row for n in lowered):
                    found.append(table)
    return sorted(set(found))


def traces_in_files(needles: list[str]) -> list[str]:
    found = []
    for path in Path(settings.DATA_DIR).rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            if any(n.lower().encode() in data for n in needles):
                found.append(str(path))
    return found


def export_made_before_the_erasure(personas: Personas) -> None:
    """A finished export of the Single Central Record, its file holding the leaver's name and e-mail
    (as the jobs app writes one)."""
    from schoolkeep.jobs.models import Job
    from schoolkeep.jobs.services import jobs_dir

    stored = "people-export-test.csv"
    (jobs_dir() / stored).write_text(f"Name,E-mail\n{NAME},{EMAIL}\n")
    from schoolkeep.people.record.exports import JOB_KIND  # the Single Central Record

    Job.objects.create(school=personas.school, created_by_label="HR", kind=JOB_KIND,
                       permission="people.view", title="People", status="done",
                       stored_name=stored, filename="people.csv", content_type="text/csv",
                       finished_at=timezone.now())


def what_a_leaver_leaves_behind(personas: Personas, leaver: Person) -> None:
    """A signed acceptable use policy, a training record, a finished leaver checklist, a
    system they administered and a laptop they borrowed."""
    from schoolkeep.agreements.models import Aup, AupVersion, Signature
    from schoolkeep.equipment.models import Item, Loan
    from schoolkeep.leavers.models import Checklist
    from schoolkeep.systems.services import system_create
    from schoolkeep.training.models import Course, TrainingRecord

    school, day = personas.school, leaver.start_date
    aup = Aup.objects.create(school=school, audience="staff", title="Staff AUP")
    version = AupVersion.objects.create(school=school, aup=aup, number=1, text="Be kind.",
                                        content_hash="h" * 64)
    Signature.objects.create(school=school, aup=aup, aup_version=version, person=leaver,
                             content_hash=version.content_hash, method="in_app",
                             typed_name=NAME, signed_at=timezone.now(),
                             user_id=leaver.user_id)
    course = Course.objects.create(school=school, name="Cyber", name_key="cyber",
                                   topic="cyber")
    TrainingRecord.objects.create(school=school, person=leaver, course=course,
                                  completed_on=day, recorded_by_label="Office")
    Checklist.objects.create(school=school, person=leaver, kind=Checklist.Kind.LEAVER,
                             effective_on=leaver.leaving_date, created_by_label="Office",
                             closed_at=timezone.now())
    system_create(school=school, actor=personas.siro, name="MIS", administrators=[leaver])
    laptop = Item.objects.create(school=school, kind="laptop", assigned_to=leaver)
    Loan.objects.create(school=school, item=laptop, person=leaver, issued_on=day,
                        expected_return_on=leaver.leaving_date, issued_by_label="Office")


def build_leaver(personas: Personas, *, with_account: bool) -> tuple[Person, list[str]]:
    leaver = make_leaver(personas.school, name=NAME, email=EMAIL, dob=DOB,
                         actor=personas.hr_admin)
    add_dbs(leaver, number=DBS, actor=personas.hr_admin, copy_name=f"{NAME} DBS.pdf",
            copy_bytes=PDF_BYTES + NAME.encode())
    if with_account:
        from tests.factories import UserFactory

        from schoolkeep.tenancy.services import membership_create

        user = UserFactory(email=EMAIL, full_name=NAME)
        membership_create(school=personas.school, user=user, roles=[Role.STAFF],
                          actor=personas.siro)
        leaver = person_link_account(person=Person.objects.get(pk=leaver.pk),
                                     actor=personas.hr_admin, user=user)
    what_a_leaver_leaves_behind(personas, Person.objects.get(pk=leaver.pk))
    export_made_before_the_erasure(personas)
    leaver = Person.objects.get(pk=leaver.pk)
    check = Check.objects.get(person=leaver)
    needles = [NAME, "Quince", EMAIL, DOB.isoformat(), DBS, leaver.date_of_birth_hash,
               check.dbs_certificate_hash]
    assert all(needles), "every needle must be something to look for"
    return leaver, needles


def erase_and_check(personas: Personas, leaver: Person, needles: list[str],
                    capture: Any, tmp_path: Path) -> None:
    assert traces_in_database(needles), "the test must see the leaver before the erasure"
    assert traces_in_files(needles)
    heads = list(AuditChainHead.objects.values_list("chain", "sequence", "last_hash"))
    copied = io.StringIO()
    call_command("audit", "heads", stdout=copied)  # as the operator copies them
    heads_file = tmp_path / "heads.txt"  # outside the data directory the scan reads
    heads_file.write_text(copied.getvalue())
    with capture(execute=True):
        report = run_erasure(personas.school)
    assert leaver.pk in [i.pk for s in report.schools for i in s.due]
    assert traces_in_database(needles) == []
    assert traces_in_files(needles) == []
    assert audit_verify().ok
    out = io.StringIO()
    call_command("audit", "verify", "--heads", str(heads_file), stdout=out)  # exits 1 if not
    assert "intact" in out.getvalue()
    for chain, sequence, last_hash in heads:
        assert AuditEvent.objects.filter(chain=chain, sequence=sequence,
                                         hash=last_hash).exists()
    key = AuditSubjectKey.objects.get(subject_type="people.person", subject_id=str(leaver.pk))
    assert key.erased_at is not None and key.key == ""


@pytest.mark.django_db
def test_an_erased_leaver_leaves_no_trace(personas: Personas, tmp_path: Path,
                                          django_capture_on_commit_callbacks: Any) -> None:
    leaver, needles = build_leaver(personas, with_account=False)
    erase_and_check(personas, leaver, needles, django_capture_on_commit_callbacks, tmp_path)


@pytest.mark.django_db
def test_an_erased_leaver_with_an_account_leaves_no_trace(
        personas: Personas, tmp_path: Path, django_capture_on_commit_callbacks: Any) -> None:
    leaver, needles = build_leaver(personas, with_account=True)
    user_id = leaver.user_id
    erase_and_check(personas, leaver, needles, django_capture_on_commit_callbacks, tmp_path)
    assert not Membership.objects.filter(user_id=user_id, school=personas.school).exists()
