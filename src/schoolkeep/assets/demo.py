"""The demo's register of information assets and systems, at the first demo school
(Larkspur), written through the systems and assets services as a data administrator would.

Larkspur picks seven services from the catalogue (SIMS, FMS, USO, CPOMS, RDP, RedStor and
JKCloud) and records how each is set up; its register
has twelve fictional assets in five groups, owned by the demo's people (the people step runs
first), an outside organisation, a name not yet matched, or nobody. Most of it is in order; a
few entries are left as a school would find them, so that each duty of the register shows on
the first demo school's dashboard:

- "Attendance records", last reviewed 13 months ago: its owner (Tom Whitfield, the
  information asset owner) has a review overdue; "Off-site backup", owned by RedStor, has its
  next review in five days (the SIRO's, as an organisation has no account);
- "Payroll and pensions" names an owner not yet matched ("D. Marsh"), and "Visitor sign-in
  book" has no owner: the SIRO chooses one for each;
- "Assessment results" (owned by Ellie Morgan) and "CCTV recordings" (owned by the CCTV
  company, so the SIRO's) are not yet classified;
- "Special educational needs records" is OFFICIAL-SENSITIVE without a lawful basis: the DPO's;
- FMS's automatic log-off was last checked 400 days ago: the IT lead's;
- for the access duties (``access.duties``), also the IT lead's: RDP is remote access with
  two-factor required but not on (the high risk, listed first), and SIMS holds
  OFFICIAL-SENSITIVE data without two-factor; CPOMS has two-factor on;
- RedStor and JKCloud are backup services, used by software: nobody signs in to them, so no
  automatic log-off is checked (JKCloud's was never recorded, and raises nothing).

The step is idempotent: a system or asset already in the register (the same catalogue entry,
or the same name in the same group) is left as it is, so running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.assets.models import Asset, Classification, DataSubject, LawfulBasis
from schoolkeep.assets.services import (
    asset_create,
    group_get_or_create,
    labels_resolve,
    organisation_get_or_create,
)
from schoolkeep.demo.builder import DemoContext
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person
from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.models import RecordType
from schoolkeep.privacy.schedule.selectors import effective_by_key
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_add_from_catalogue, system_update
from schoolkeep.tenancy.models import School

SCHOOL = "larkspur"


@dataclass(frozen=True)
class DemoSystem:
    key: str  # the catalogue entry
    mfa_enabled: bool
    checked_days_ago: int | None  # when the automatic log-off was last checked (None: never)
    auto_logoff_minutes: int | None = 10
    mfa_for: str = ""
    mfa_required: bool | None = None  # None: as the catalogue says


SYSTEMS = [
    # SIMS holds OFFICIAL-SENSITIVE data and has no two-factor yet.
    DemoSystem("sims", mfa_enabled=False, checked_days_ago=90),
    # FMS's automatic log-off was last checked more than a year ago.
    DemoSystem("fms", mfa_enabled=True, checked_days_ago=400, mfa_for="Finance staff"),
    DemoSystem("uso", mfa_enabled=True, checked_days_ago=30, mfa_for="All staff"),
    DemoSystem("cpoms", mfa_enabled=True, checked_days_ago=60, mfa_for="Safeguarding team"),
    DemoSystem("redstor", mfa_enabled=True, checked_days_ago=120, auto_logoff_minutes=15,
               mfa_for="IT technician"),
    # Remote desktop for the IT technician: two-factor required, not yet turned on.
    DemoSystem("rdp", mfa_enabled=False, checked_days_ago=200, mfa_required=True),
    # A backup service (no one signs in): its log-off was never checked, and needs not be.
    DemoSystem("jkcloud", mfa_enabled=False, checked_days_ago=None, auto_logoff_minutes=None),
]

PUPIL = "Pupil records (MIS)"
SAFEGUARDING = "Safeguarding"
STAFF = "Staff records"
FINANCE = "Finance"
CONTINUITY = "Access and continuity"

OS = Classification.OFFICIAL_SENSITIVE
OFFICIAL = Classification.OFFICIAL
UNCLASSIFIED = Classification.UNCLASSIFIED


@dataclass(frozen=True)
class DemoAsset:
    group: str
    name: str
    owner: str = ""  # a demo person's full name; "org:<name>" an organisation;
    #                  "?<name>" a name not yet matched; "" nobody
    access: tuple[str, ...] = ()
    purpose: str = ""
    classification: str = OS
    lawful_basis: str = LawfulBasis.PUBLIC_TASK
    systems: tuple[str, ...] = ()  # catalogue keys
    reviewed_days_ago: int | None = 120
    next_review_in_days: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)


PUPILS = [DataSubject.PUPILS, DataSubject.PARENTS]
STAFF_SUBJECTS = [DataSubject.STAFF]

ASSETS = [
    DemoAsset(PUPIL, "Pupil information", "Tom Whitfield", ("Pupil Data Administrator",),
              "Teaching, learning and statutory returns", systems=("sims",),
              fields={"data_subjects": PUPILS, "children_data": True,
                      "personal_data": "Names, addresses, dates of birth, contacts",
                      "destruction_method": "Deleted from SIMS after transfer"}),
    DemoAsset(PUPIL, "Attendance records", "Tom Whitfield", ("Pupil Data Administrator",),
              "Statutory attendance registers", lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
              systems=("sims",), reviewed_days_ago=395,
              fields={"data_subjects": [DataSubject.PUPILS], "children_data": True}),
    DemoAsset(PUPIL, "Special educational needs records", "Tom Whitfield",
              ("SENCo", "Pupil Data Administrator"), "Support plans and reviews",
              lawful_basis="", systems=("sims",),
              fields={"data_subjects": PUPILS, "children_data": True,
                      "special_category_data": True}),
    DemoAsset(PUPIL, "Assessment results", "Ellie Morgan", ("Class teachers",),
              "Tracking progress and reporting to parents", classification=UNCLASSIFIED,
              systems=("sims",), fields={"data_subjects": [DataSubject.PUPILS],
                                         "children_data": True}),
    DemoAsset(SAFEGUARDING, "Child protection records", "Hannah Brooks",
              ("Safeguarding team",), "Keeping children safe",
              lawful_basis=LawfulBasis.LEGAL_OBLIGATION, systems=("cpoms",),
              fields={"data_subjects": PUPILS, "children_data": True,
                      "special_category_data": True,
                      "article9_condition": "substantial_public_interest",
                      "security_measures": "Two-factor sign-in on CPOMS"}),
    DemoAsset(STAFF, "Staff personnel files", "Sofia Novak",
              ("HR administrator", "Business manager"), "Employment and safer recruitment",
              lawful_basis=LawfulBasis.CONTRACT, systems=("sims",),
              fields={"data_subjects": STAFF_SUBJECTS, "held_on_paper": True}),
    DemoAsset(STAFF, "Payroll and pensions", "?D. Marsh", ("Business manager",),
              "Paying staff", lawful_basis=LawfulBasis.CONTRACT,
              fields={"data_subjects": STAFF_SUBJECTS,
                      "recipients": "The payroll bureau; the pension schemes"}),
    DemoAsset(FINANCE, "Orders, invoices and payments", "Grace Adeyemi",
              ("Finance officer", "Business manager"), "Sound financial management",
              classification=OFFICIAL, lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
              systems=("fms",), fields={"data_subjects": [DataSubject.CONTRACTORS]}),
    DemoAsset(CONTINUITY, "Network administrator passwords", "Grace Adeyemi",
              ("Business manager", "IT technician"), "Access to the school's systems",
              systems=("uso",), fields={"data_subjects": STAFF_SUBJECTS,
                                        "security_measures": "Kept in a locked safe"}),
    DemoAsset(CONTINUITY, "Off-site backup", "org:RedStor", ("IT technician",),
              "Business continuity", systems=("redstor",), next_review_in_days=5,
              fields={"data_subjects": PUPILS + STAFF_SUBJECTS}),
    DemoAsset(CONTINUITY, "CCTV recordings", "org:Vale Security Services",
              ("Automated system",), "Safety and security", classification=UNCLASSIFIED,
              lawful_basis=LawfulBasis.LEGITIMATE_INTERESTS,
              fields={"data_subjects": [DataSubject.PUPILS, DataSubject.STAFF,
                                        DataSubject.VISITORS]}),
    DemoAsset(CONTINUITY, "Visitor sign-in book", "", ("Receptionist",),
              "Knowing who is on site", classification=OFFICIAL,
              fields={"data_subjects": [DataSubject.VISITORS], "held_on_paper": True}),
]


# The record types each asset holds (by name), from the starting schedule
# (``privacy.schedule.keys``); the passwords, the backup and the visitors' book hold none of
# the schedule's types.
RECORD_TYPES: dict[str, tuple[str, ...]] = {
    "Pupil information": (keys.PUPIL_RECORD,),
    "Attendance records": (keys.ATTENDANCE_REGISTER,),
    "Staff personnel files": (keys.STAFF_PERSONNEL,),
    "Special educational needs records": (keys.SEN_RECORD,),
    "Assessment results": (keys.PUPIL_RECORD,),
    "Child protection records": (keys.CHILD_PROTECTION,),
    "Payroll and pensions": (keys.FINANCE,),
    "Orders, invoices and payments": (keys.FINANCE,),
    "CCTV recordings": (keys.CCTV,),
}


def _add_systems(school: School, today: date) -> dict[str, System]:
    existing = {system.catalogue_key: system for system in
                System.objects.filter(school=school, archived_at__isnull=True)
                .exclude(catalogue_key="")}
    systems: dict[str, System] = {}
    for spec in SYSTEMS:
        if spec.key in existing:
            systems[spec.key] = existing[spec.key]
            continue
        system = system_add_from_catalogue(school=school, actor=None, key=spec.key)
        checked = spec.checked_days_ago
        required: dict[str, Any] = ({} if spec.mfa_required is None
                                    else {"mfa_required": spec.mfa_required})
        systems[spec.key] = system_update(
            system=system, actor=None, version=system.version,
            mfa_enabled=spec.mfa_enabled, mfa_for=spec.mfa_for,
            auto_logoff_minutes=spec.auto_logoff_minutes,
            auto_logoff_checked_on=None if checked is None else today - timedelta(days=checked),
            **required,
        )
    return systems


def _owner(school: School, owner: str, people: dict[str, Person]) -> dict[str, Any]:
    if owner.startswith("org:"):
        return {"owner_organisation": organisation_get_or_create(
            school=school, name=owner.removeprefix("org:"), actor=None)}
    if owner.startswith("?"):
        return {"owner_unmatched": owner.removeprefix("?")}
    if owner:
        return {"owner_person": people[fold(owner)]}
    return {}


def _add_asset(school: School, spec: DemoAsset, *, today: date, people: dict[str, Person],
               systems: dict[str, System], schedule: dict[str, RecordType]) -> Asset | None:
    group = group_get_or_create(school=school, name=spec.group, actor=None)
    if Asset.objects.filter(school=school, group=group, name_key=fold(spec.name),
                            archived_at__isnull=True).exists():
        return None
    fields: dict[str, Any] = dict(spec.fields)
    if spec.reviewed_days_ago is not None:
        fields["last_reviewed_on"] = today - timedelta(days=spec.reviewed_days_ago)
    if spec.next_review_in_days is not None:
        fields["next_review_on"] = today + timedelta(days=spec.next_review_in_days)
    fields["record_types"] = [schedule[key] for key in RECORD_TYPES.get(spec.name, ())
                              if key in schedule]
    return asset_create(
        school=school, actor=None, group=group, name=spec.name,
        access_labels=labels_resolve(school=school, labels=list(spec.access), actor=None),
        purpose=spec.purpose, classification=spec.classification,
        lawful_basis=spec.lawful_basis, systems=[systems[key] for key in spec.systems],
        **_owner(school, spec.owner, people), **fields,
    )


def build_demo_assets(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    today = timezone.localdate()
    systems = _add_systems(school, today)
    people = {person.name_key: person for person in Person.objects.filter(school=school)}
    schedule = effective_by_key(school)
    for spec in ASSETS:
        _add_asset(school, spec, today=today, people=people, systems=systems,
                   schedule=schedule)
