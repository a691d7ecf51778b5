"""The demo's acceptable use policies: `schoolkeep demo` publishes them, records signatures
by every method (in Schoolkeep, by link, at the kiosk, on paper with a real scan), leaves
some unsigned so that the duties show, and the figures agree with the duties."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from schoolkeep.accounts.models import User
from schoolkeep.agreements.aups import audience as who
from schoolkeep.agreements.aups.demo import (
    DEMO_KIOSK_PIN,
    PARENT_COUNT,
    PARENTS_SIGNED,
    demo_scan_pdf,
)
from schoolkeep.agreements.aups.duties import MODULE
from schoolkeep.agreements.aups.models import (
    Audience,
    Aup,
    KioskPin,
    Parent,
    Signature,
    SigningLink,
    SigningMethod,
)
from schoolkeep.agreements.signing.paper.services import scan_path
from schoolkeep.duties.selectors import counts_for_schools, duties_for_school
from schoolkeep.lib.uploads import PDF, sniff
from schoolkeep.tenancy.models import School

# Each test finds the demo built once (tests/fixtures_demo.py) and rolls back its own writes.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def test_the_demo_publishes_the_aups_and_signs_by_every_method() -> None:
    larkspur = School.objects.get(slug="larkspur")
    aups = {aup.audience: aup for aup in Aup.objects.filter(school=larkspur)}
    assert set(aups) == {"staff", "governors", "parents", "visitors"}
    assert all(aup.current_number == aup.sign_from == 1 for aup in aups.values())
    methods = set(Signature.objects.filter(school=larkspur).values_list("method", flat=True))
    assert methods == set(SigningMethod.values)
    # In Schoolkeep: some members have signed, the teacher has not.
    teacher = User.objects.get(email="teacher@larkspur.example")
    siro = User.objects.get(email="siro@larkspur.example")
    staff = aups[Audience.STAFF]
    assert Signature.objects.filter(aup=staff, user=siro, method="in_app").exists()
    assert not Signature.objects.filter(aup=staff, user=teacher).exists()
    # A paper signature with its scan, a real PDF.
    paper = Signature.objects.get(aup=staff, method=SigningMethod.PAPER)
    path = scan_path(paper)
    assert path is not None and path.read_bytes() == demo_scan_pdf()
    assert sniff(path.read_bytes()) == PDF
    # Visitors at the kiosk, which was closed afterwards.
    kiosk = Signature.objects.filter(aup=aups[Audience.VISITORS], method="kiosk")
    assert kiosk.count() == 3 and all(s.visiting for s in kiosk)
    assert kiosk.first().kiosk.closed_at is not None
    # Larkspur's kiosk PIN is the demo's (hashed); Marsh Lane has none.
    pins = {pin.school.slug: pin for pin in KioskPin.objects.select_related("school")}
    assert set(pins) == {"larkspur"}
    assert check_password(DEMO_KIOSK_PIN, pins["larkspur"].pin_hash)


def test_the_demo_parents_some_signed_some_not_some_without_email() -> None:
    larkspur = School.objects.get(slug="larkspur")
    parents_aup = Aup.objects.get(school=larkspur, audience=Audience.PARENTS)
    assert Parent.objects.filter(school=larkspur).count() == PARENT_COUNT
    assert Parent.objects.filter(school=larkspur, email="").count() == 6
    rows = list(who.signers(aup=parents_aup, today=timezone.localdate()))
    assert sum(r.has_signed for r in rows) == PARENTS_SIGNED
    assert Signature.objects.filter(aup=parents_aup, method="link").count() == PARENTS_SIGNED
    unused = SigningLink.objects.filter(aup=parents_aup, used_at__isnull=True)
    assert unused.count() == 4


def test_the_demo_shows_the_aup_duties_and_counts_agree() -> None:
    larkspur = School.objects.get(slug="larkspur")
    now = timezone.now()
    duties = [d for d in duties_for_school(larkspur, now) if d.module == MODULE]
    titles = {d.title for d in duties if d.key.startswith("aups.unsigned")}
    assert "18 parents and carers have not signed the acceptable use policy" in titles
    teacher = User.objects.get(email="teacher@larkspur.example")
    mine = [d for d in duties if teacher.pk in d.owner_user_ids]
    assert [d.title for d in mine] == ["Sign the acceptable use policy"]
    counts = counts_for_schools([larkspur.pk], now)[larkspur.pk][MODULE]
    assert counts.total == len(duties)
