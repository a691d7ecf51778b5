"""The demo's people: staff, governors, volunteers and an agency worker at both demo schools,
some linked to the demo members' accounts, with their Single Central Record checks.

Most records are complete; at Larkspur a few are left as a school would find them, so that
each duty of the record shows on the first demo school's dashboard:

- Daniel Price, a teaching assistant who started ten days ago: DBS and barred list missing;
- Mateo Silva, whose permission to work in the UK ends in 45 days;
- Hannah Brooks (the DSL), on the DBS Update Service, last checked 400 days ago;
- Jordan Fraser, a supply teacher whose agency has not yet confirmed its checks;
- Grace Adeyemi (the business manager), whose uploaded DBS certificate copy is past its
  deletion date (the scheduler's tick deletes it at its next run, as it would any other).

The step runs inside ``build_demo``, once: the demo command builds only when no demo exists.
Everything is written through the people services, as a member of staff would write it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schoolkeep.audit.services import audit_record
from schoolkeep.demo.builder import DemoContext
from schoolkeep.people import services
from schoolkeep.people.models import CertificateCopy, Check, CheckType, Person, PersonKind
from schoolkeep.people.rules.rule_sets import required_checks, rule_set_for
from schoolkeep.tenancy.models import School

CHECKED_BY = "Sofia Novak"


@dataclass(frozen=True)
class DemoPerson:
    full_name: str
    kind: str
    job_title: str
    started_days_ago: int
    account: str = ""  # key of a demo member in DemoContext.users
    sites: tuple[str, ...] = ("Main site",)
    fields: dict[str, Any] = field(default_factory=dict)
    # Checks left out of an otherwise complete record; checks given their own values.
    missing: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    check_fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    left_days_ago: int | None = None


TEACHING = {"does_teaching_work": True}
MANAGEMENT = {"does_teaching_work": True, "is_management_post": True}

LARKSPUR = [
    DemoPerson("Amara Osei", PersonKind.TEACHING, "Headteacher", 3650, "larkspur.siro",
               fields={**MANAGEMENT, "date_of_birth": date(1974, 3, 12), "staff_number": "L001",
                       "post_needs_qualifications": True}),
    DemoPerson("Sofia Novak", PersonKind.SUPPORT, "HR and office manager", 2200,
               "larkspur.hr_admin", fields={"staff_number": "L002"}),
    DemoPerson("Hannah Brooks", PersonKind.TEACHING, "Deputy headteacher", 2900, "larkspur.dsl",
               sites=("Main site", "Meadow Building"),
               fields={**MANAGEMENT, "staff_number": "L003", "date_of_birth": date(1981, 9, 30)},
               # On the Update Service, last checked longer ago than the school's interval.
               check_fields={CheckType.ENHANCED_DBS: {
                   "on_update_service": True, "update_service_checked_on": -400}}),
    DemoPerson("Ellie Morgan", PersonKind.TEACHING, "Year 4 teacher", 800, "larkspur.staff",
               fields={**TEACHING, "staff_number": "L004", "date_of_birth": date(1993, 5, 2)}),
    DemoPerson("Grace Adeyemi", PersonKind.SUPPORT, "School business manager", 1500,
               "larkspur.business_manager", fields={"staff_number": "L005",
                                                     "is_management_post": True}),
    DemoPerson("Tom Whitfield", PersonKind.TEACHING, "Assistant headteacher", 1900,
               "larkspur.iao", sites=("Meadow Building",),
               fields={**MANAGEMENT, "staff_number": "L006"}),
    DemoPerson("Martin Hughes", PersonKind.GOVERNOR, "Chair of governors", 1200,
               "larkspur.governor", sites=()),
    DemoPerson("Mateo Silva", PersonKind.SUPPORT, "Teaching assistant", 300,
               fields={**TEACHING, "staff_number": "L007"},
               # Time-limited permission to work in the UK that ends within 60 days.
               check_fields={CheckType.RIGHT_TO_WORK: {"right_to_work_expires_on": 45}}),
    DemoPerson("Daniel Price", PersonKind.SUPPORT, "Teaching assistant", 10,
               sites=("Meadow Building",), fields={**TEACHING, "staff_number": "L008"},
               missing=(CheckType.BARRED_LIST,), pending=(CheckType.ENHANCED_DBS,)),
    DemoPerson("Jordan Fraser", PersonKind.AGENCY, "Supply teacher", 5, fields=TEACHING,
               missing=(CheckType.AGENCY_CONFIRMATION,)),
    DemoPerson("Leah Turner", PersonKind.VOLUNTEER, "Volunteer reading helper", 400),
    DemoPerson("Peter Gray", PersonKind.TEACHING, "Year 6 teacher", 2500,
               fields={**TEACHING, "staff_number": "L009"}, left_days_ago=60),
]

MARSH_LANE = [
    DemoPerson("Jonathan Reid", PersonKind.TEACHING, "Principal", 2600, "marsh-lane.siro",
               fields={**MANAGEMENT, "staff_number": "M001"}),
    DemoPerson("Aisha Khan", PersonKind.TEACHING, "Science teacher", 700, "marsh-lane.staff",
               fields={**TEACHING, "staff_number": "M002"}),
    DemoPerson("Bethan Lloyd", PersonKind.GOVERNOR, "Local governor", 900,
               "marsh-lane.governor", sites=()),
    DemoPerson("Sam Okafor", PersonKind.CONTRACTOR, "Catering contractor", 150),
]

# The person whose certificate copy is shown past its deletion date.
COPY_HOLDER = "Grace Adeyemi"

EVIDENCE: dict[str, str] = {
    CheckType.IDENTITY: "Passport and a recent bank statement seen",
    CheckType.RIGHT_TO_WORK: "Passport seen and copied",
    CheckType.QUALIFICATIONS: "Degree and QTS certificates seen",
    CheckType.ENHANCED_DBS: "Certificate seen",
    CheckType.BARRED_LIST: "Barred list check through the DBS",
    CheckType.PROHIBITION: "Teaching Regulation Agency check",
    CheckType.SECTION_128: "Teaching Regulation Agency check",
    CheckType.OVERSEAS: "Certificate of good conduct seen",
    CheckType.CHILDCARE: "Declaration signed",
    CheckType.AGENCY_CONFIRMATION: "Written confirmation from the agency",
}


def _check_values(check_type: str, done_on: date, index: int, today: date,
                  given: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"status": Check.Status.DONE, "done_on": done_on,
                              "checked_by": CHECKED_BY, "evidence": EVIDENCE[check_type]}
    if check_type == CheckType.ENHANCED_DBS:
        values.update(dbs_with_barred_list=True, dbs_issued_on=done_on,
                      dbs_certificate_number=f"0019{index:08d}")
    if check_type == CheckType.AGENCY_CONFIRMATION:
        values["agency_certificate_provided"] = True
    for name, value in given.items():
        # Dates in the tables above are days from today: negative past, positive future.
        is_days = isinstance(value, int) and not isinstance(value, bool)
        values[name] = today + timedelta(days=value) if is_days else value
    return values


def certificate_pdf() -> bytes:
    """A small, valid one-page PDF that says it is a demonstration copy."""
    text = b"Demonstration copy of a DBS certificate - not a real certificate"
    stream = b"BT /F1 14 Tf 56 780 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def _add_person(ctx: DemoContext, school: School, spec: DemoPerson, index: int,
                today: date) -> Person:
    sites = [site for site in school.sites.all() if site.name in spec.sites]
    user = ctx.users.get(spec.account) if spec.account else None
    started = today - timedelta(days=spec.started_days_ago)
    person = services.person_create(
        school=school, actor=None, full_name=spec.full_name, kind=spec.kind,
        job_title=spec.job_title, start_date=started, sites=sites,
        email=user.email if user is not None else "", **spec.fields,
    )
    if user is not None:
        person = services.person_link_account(person=person, actor=None, user=user)
    rule_set = rule_set_for(school)
    for check_type, (required, _why) in required_checks(person, rule_set).items():
        if not required or check_type in spec.missing:
            continue
        if check_type in spec.pending:
            services.check_save(person=person, actor=None, check_type=check_type,
                                status=Check.Status.PENDING, checked_by=CHECKED_BY,
                                notes="Applied for; waiting for the certificate.")
            continue
        # Checks are done before the first day (for a long-serving person, a week before).
        done_on = started - timedelta(days=7)
        values = _check_values(check_type, done_on, index, today,
                               spec.check_fields.get(check_type, {}))
        services.check_save(person=person, actor=None, check_type=check_type, **values)
    if spec.left_days_ago is not None:
        person = services.person_mark_leaver(
            person=person, actor=None, leaving_date=today - timedelta(days=spec.left_days_ago))
    return person


def _copy_past_its_date(person: Person) -> CertificateCopy:
    """Upload a copy of the person's DBS certificate, then move its deletion date into the
    past so that the duty to delete it shows."""
    check = Check.objects.get(person=person, check_type=CheckType.ENHANCED_DBS)
    upload = SimpleUploadedFile("dbs-certificate.pdf", certificate_pdf(),
                                content_type="application/pdf")
    copy = services.copy_upload(check=check, actor=None, uploaded_file=upload)
    # The one direct write of the demo's people: no service moves a deletion date (a copy's
    # period is set at upload and only ever ends), yet the demo must show a copy whose period
    # has ended. The change is audited like any other.
    before = copy.delete_after
    copy.delete_after = timezone.now() - timedelta(days=1)
    CertificateCopy.objects.filter(pk=copy.pk).update(delete_after=copy.delete_after)
    audit_record(action="demo.certificate_copy.backdated", school=copy.school_id, target=copy,
                 changes={"delete_after": {"before": before, "after": copy.delete_after}})
    return copy


def build_demo_people(ctx: DemoContext) -> None:
    today = timezone.localdate()
    for slug, people in (("larkspur", LARKSPUR), ("marsh-lane", MARSH_LANE)):
        school = ctx.schools[slug]
        for index, spec in enumerate(people, start=1 if slug == "larkspur" else 101):
            person = _add_person(ctx, school, spec, index, today)
            if spec.full_name == COPY_HOLDER:
                _copy_past_its_date(person)
