"""The demo's acceptable use policies, written through the agreements services.

At Larkspur the four standard AUPs (staff, governors, parents, visitors) are set up from the
starting texts and published. Then, as a school would find it a
week or two in:

- some members with accounts have signed in Schoolkeep (the SIRO, the HR administrator, the
  DSL, the business manager, the DPO and the governor) and some have not (Ellie Morgan, the
  teacher, and the IT lead among others), so the duties show;
- staff with no account: Mateo Silva signed through a printed letter's link, Leah Turner on
  paper (a small generated PDF as the scan), the others not yet;
- 30 parents and carers, some with no e-mail address: 12 signed through their links, a few
  have a letter printed and not yet used, the rest have not been asked;
- the kiosk PIN is set (``DEMO_KIOSK_PIN``, for trying the kiosk); three visitors signed at
  the reception kiosk, which was then closed.

At Marsh Lane the staff and governors' AUPs are published; Aisha Khan has signed; no kiosk PIN
is set.

The audit trail names the demo command for everything but the signatures, which name their
signers as the signing services always do (the member, "signing link: ..." or "kiosk: ...").
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion, SigningLink
from schoolkeep.agreements.aups.selectors import member_aup
from schoolkeep.agreements.aups.services import aup_sign_in_app, aups_set_up, version_publish
from schoolkeep.agreements.parents.services import parent_create
from schoolkeep.agreements.signing.kiosk.services import (
    kiosk_close,
    kiosk_open,
    kiosk_pin_set,
    kiosk_sign,
)
from schoolkeep.agreements.signing.links.services import link_issue, link_sign
from schoolkeep.agreements.signing.paper.services import paper_signature_record
from schoolkeep.demo.builder import DemoContext, register_step
from schoolkeep.people.models import Person

# Demo members (keys of DemoContext.users) who have signed their AUP in Schoolkeep.
SIGNED_IN_APP = ["larkspur.siro", "larkspur.hr_admin", "larkspur.dsl",
                 "larkspur.business_manager", "larkspur.dpo", "larkspur.governor",
                 "marsh-lane.staff"]
# Larkspur staff without accounts: one signs by a letter's link, one on paper.
SIGNED_BY_LINK = "Mateo Silva"
SIGNED_ON_PAPER = "Leah Turner"

_FIRST = ["Olivia", "Noah", "Amelia", "Jack", "Isla", "Mohammed", "Ava", "Harry", "Mia",
          "Oscar", "Zara", "Leo", "Freya", "Arjun", "Ruby"]
_LAST = ["Bennett", "Chowdhury", "Doyle", "Evans", "Farouk", "Griffiths", "Hall", "Iqbal",
         "Jenkins", "Kowalski", "Lewis", "Mensah", "Nolan", "O'Brien", "Patel"]
_CLASSES = ["Reception", "Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Year 6"]
PARENT_COUNT = 30
PARENTS_SIGNED = 12  # the first twelve sign through their links
PARENTS_WITH_LETTERS = 4  # the next four have a printed letter, not yet used

# Larkspur's kiosk PIN, for trying the kiosk: like the demo's password, the README gives it.
DEMO_KIOSK_PIN = "2468"

VISITORS = [
    ("Nadia Rahman", "Brightwire IT Services", "Lewis Carter"),
    ("Colin Fairbairn", "County Music Service", "Hannah Brooks"),
    ("Dr Helen Ashworth", "Local authority school improvement", "Amara Osei"),
]


def demo_scan_pdf() -> bytes:
    """A small, valid one-page PDF standing in for the scan of a signed paper form."""
    lines = [b"Acceptable use policy for staff - signed paper form",
             b"Demonstration scan: not a real signature"]
    text = b" ".join(b"BT /F1 12 Tf 56 %d Td (%s) Tj ET" % (780 - 20 * i, line)
                     for i, line in enumerate(lines))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _publish(aups: dict[str, Aup], audiences: list[str]) -> None:
    for audience in audiences:
        draft = AupVersion.objects.get(aup=aups[audience], published_at__isnull=True)
        version_publish(draft=draft, actor=None, requires_everyone_to_sign=True)
        aups[audience].refresh_from_db()


def _parents(aup: Aup) -> None:
    school = aup.school
    for n in range(PARENT_COUNT):
        first, last = _FIRST[n % len(_FIRST)], _LAST[(n * 7) % len(_LAST)]
        # Every fifth parent has no e-mail address.
        email = "" if n % 5 == 4 else f"{first}.{last}{n}@parents.example".lower().replace(
            "'", "")
        parent = parent_create(school=school, actor=None, full_name=f"{first} {last}",
                               email=email, classes=_CLASSES[n % len(_CLASSES)])
        if n < PARENTS_SIGNED + PARENTS_WITH_LETTERS:
            _, token = link_issue(aup=aup, actor=None, channel=SigningLink.Channel.LETTER,
                                  parent=parent)
            if n < PARENTS_SIGNED:
                link_sign(token=token, typed_name=parent.full_name, agreed=True,
                          ip_address=f"198.51.100.{n + 10}")


def _larkspur_staff(aups: dict[str, Aup]) -> None:
    staff_aup = aups[Audience.STAFF]
    school = staff_aup.school
    mateo = Person.objects.get(school=school, full_name=SIGNED_BY_LINK)
    _, token = link_issue(aup=staff_aup, actor=None, channel=SigningLink.Channel.LETTER,
                          person=mateo)
    link_sign(token=token, typed_name=mateo.full_name, agreed=True, ip_address="198.51.100.7")
    leah = Person.objects.get(school=school, full_name=SIGNED_ON_PAPER)
    scan = SimpleUploadedFile("signed-aup-form.pdf", demo_scan_pdf(),
                              content_type="application/pdf")
    paper_signature_record(aup=staff_aup, actor=None, scan_file=scan,
                           typed_name=leah.full_name, person=leah,
                           signed_on=timezone.localdate() - timedelta(days=2))


def _kiosk(aup: Aup) -> None:
    kiosk_pin_set(school=aup.school, actor=None, pin=DEMO_KIOSK_PIN)
    kiosk = kiosk_open(aup=aup, actor=None)
    for name, organisation, visiting in VISITORS:
        kiosk_sign(kiosk=kiosk, typed_name=name, agreed=True, organisation=organisation,
                   visiting=visiting)
    kiosk_close(kiosk=kiosk)


def _sign_in_app(ctx: DemoContext) -> None:
    for key in SIGNED_IN_APP:
        school = ctx.schools[key.split(".", 1)[0]]
        user = ctx.users[key]
        # Their AUP as the pages decide it: person record's kind, else their roles.
        aup = member_aup(school=school, user=user).aup
        assert aup is not None
        aup_sign_in_app(aup=aup, user=user, typed_name=user.full_name, agreed=True,
                        ip_address="192.0.2.15")


def build_demo_aups(ctx: DemoContext) -> None:
    # What the school's staff would do is done by the demo command itself (actor None, as
    # in the other demo steps); only the signatures are made by the signers' own services.
    larkspur = {aup.audience: aup for aup in aups_set_up(school=ctx.schools["larkspur"],
                                                         actor=None)}
    _publish(larkspur, [Audience.STAFF, Audience.GOVERNORS, Audience.PARENTS,
                        Audience.VISITORS])
    marsh_lane = {aup.audience: aup for aup in aups_set_up(school=ctx.schools["marsh-lane"],
                                                           actor=None)}
    _publish(marsh_lane, [Audience.STAFF, Audience.GOVERNORS])
    _sign_in_app(ctx)
    _larkspur_staff(larkspur)
    _parents(larkspur[Audience.PARENTS])
    _kiosk(larkspur[Audience.VISITORS])


def register() -> None:
    """Called by the app's ready(): after the people (200) and assets (300) steps."""
    register_step("agreements", build_demo_aups, order=400)
