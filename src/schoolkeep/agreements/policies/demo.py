"""The demo's policy register, at the first demo school (Larkspur), written through the
policy services as the SIRO, the DPO and a governor would.

- The Online Security Policy is imported from its text, whose header says it was reviewed by
  a governor (Martin Hughes) about a year and a half ago, with its next review in a term that
  has ended: its review is overdue, the DPO's duty as its owner.
- The Data Protection Policy was typed in Schoolkeep and approved there by the governor today;
  its next review is a year on, by its 12-month cycle: "up to date". (It used to be given an
  early review six weeks away, which read as a policy approved today already due again.)
- The Records Retention Policy has a draft waiting for the governors' approval: the
  governor's duty.

Idempotent: a policy already in the register is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from schoolkeep.agreements.policies.header import ordinal_suffix
from schoolkeep.agreements.policies.imports import policy_import
from schoolkeep.agreements.policies.models import Policy
from schoolkeep.agreements.policies.services import (
    policy_create,
    policy_update,
    version_add,
    version_approve,
    version_send_for_review,
)
from schoolkeep.demo.builder import DemoContext, register_step
from schoolkeep.lib.text import fold
from schoolkeep.tenancy.calendar import term_for_date, term_label
from schoolkeep.tenancy.models import School

SCHOOL = "larkspur"

ONLINE_SECURITY = """\
\tName of School\t{school}
\tPolicy Review Date\t{reviewed}
\tNext Review Date\t{next_term}
\tReviewed by\tGovernor Name: {governor} Governor Signature:

Online Security Policy

Where the school is referred to in this policy, the policy and the procedures below apply to
all staff working for {school} on all of its sites.

Roles

- The Headteacher is the Senior Information Risk Owner (SIRO).
- Each key set of information has an Information Asset Owner, listed in the school's
  register of information assets.
- Staff know whom to tell about any incident where personal data may have been lost or seen
  by someone who should not have seen it.

Acceptable use

Staff (including agency workers), governors, parents and visitors who use the school's network
or Wi-Fi sign an Acceptable Use Policy that sets out their responsibilities for data security,
passwords and network access. The signed forms are kept securely.

Passwords and sign-in

Everyone has their own username and a private password. Passwords for the management
information system and the finance system are changed every term, and systems that hold
sensitive data use two-factor sign-in where they offer it. Admin staff are logged off
automatically when a computer is left unattended.

Sending information

Personal data leaves the school only through the secure routes the local authority approves;
pupils are referred to by their initials where a name is not needed.
"""

DATA_PROTECTION = """\
Data Protection Policy

The school collects and uses personal information about pupils, parents, staff and governors
so that it can teach, keep children safe and run the school. It does so lawfully, fairly and
openly, keeps only what it needs for as long as it needs it, and keeps it secure.

The data protection officer advises the school, keeps the record of processing up to date and
is the first contact for anyone who wishes to see the information held about them.
"""

RETENTION = """\
Records Retention Policy

The school keeps each kind of record for the period set out in its retention schedule, then
destroys it securely: paper is shredded and devices are wiped, with a certificate of secure
deletion, before they leave the school.
"""


def _written(day: date) -> str:
    return f"{day.day}{ordinal_suffix(day.day)} {day:%B %Y}"


def _exists(school: School, title: str) -> bool:
    return Policy.objects.filter(school=school, title_key=fold(title),
                                 archived_at__isnull=True).exists()


def build_demo_policies(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    dpo, governor = ctx.users[f"{SCHOOL}.dpo"], ctx.users[f"{SCHOOL}.governor"]
    today = timezone.localdate()
    if not _exists(school, "Online Security Policy"):
        ended = term_for_date(school, today - timedelta(days=200))
        text = ONLINE_SECURITY.format(
            school=school.name, reviewed=_written(today - timedelta(days=540)),
            next_term=term_label(ended.name, ended.academic_year), governor=governor.full_name)
        result = policy_import(school=school, actor=None, text=text,
                               filename="online-security-policy.txt")
        assert result.ok and result.policy is not None, result.problems
        policy_update(policy=result.policy, actor=None, version=result.policy.version,
                      owner=dpo)
    if not _exists(school, "Data Protection Policy"):
        policy = policy_create(school=school, actor=None, title="Data Protection Policy",
                               kind=Policy.Kind.DATA_PROTECTION, owner=dpo,
                               review_cycle_months=12)
        version = version_add(policy=policy, actor=None, text=DATA_PROTECTION)
        version_send_for_review(version=version, actor=None, notify=False)
        # Recorded as the command line that builds the demo, with the governor's name.
        version_approve(version=version, actor=None, full_name=governor.full_name,
                        approved_on=today)
    if not _exists(school, "Records Retention Policy"):
        policy = policy_create(school=school, actor=None, title="Records Retention Policy",
                               kind=Policy.Kind.RETENTION, owner=ctx.users[f"{SCHOOL}.siro"],
                               review_cycle_months=24, next_review=today + timedelta(days=90))
        version = version_add(policy=policy, actor=None, text=RETENTION)
        version_send_for_review(version=version, actor=None, notify=False)


def register() -> None:
    register_step("policies", build_demo_policies, order=450)
