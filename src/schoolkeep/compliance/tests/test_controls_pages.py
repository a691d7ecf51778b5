"""The controls pages: the list (states as words, filters by state and kind, "Confirm" only
where the viewer may), a control's page (why it stands where it does, its confirmations with
their evidence, the requirements it evidences), adding and changing a control (refusals on
their fields, a stale save naming who saved first), confirming one with a photo (the owner
who cannot read the compliance pages sent back to their duties), archiving one of the
school's own, the evidence's download (audited, another school's a 404), and query counts
the same at 3 and 40 controls and confirmations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.compliance.controls import services
from schoolkeep.compliance.models import (
    Attestation,
    Control,
    ControlSetting,
    Framework,
    Requirement,
)
from schoolkeep.compliance.tests.test_controls_services import PDF, PNG, builtin, own

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
LIST = reverse("compliance:control-list")
ADD = reverse("compliance:control-add")


def _url(name: str, control: Control) -> str:
    return reverse(f"compliance:{name}", args=[control.public_id])


def _day(day, prefix: str = "attested_on") -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month),
            f"{prefix}_2": str(day.year)}


def attest(personas: Personas, control: Control, **kwargs) -> Attestation:
    values = {"attested_on": timezone.localdate(), "outcome": "done", **kwargs}
    return services.control_attest(school=personas.school, actor=None, control=control,
                                   **values)


def test_the_list_says_each_state_in_words_and_filters(personas: Personas, login: Login
                                                        ) -> None:
    met, not_met = builtin(), builtin("server-room-locked", owner_role="it_lead")
    attest(personas, met)
    attest(personas, not_met, outcome="not_done", note="Door propped open.")
    fresh = own(personas, "Visitors sign in")
    services.control_create(school=personas.other_school, actor=None, title="Elsewhere",
                            cadence="termly")
    html = login(personas.governor).get(LIST).content.decode()
    assert met.title in html and not_met.title in html and fresh.title in html
    assert "Elsewhere" not in html
    assert "Not met</strong>" in html and "Not yet assessed</strong>" in html
    assert "Add a control of your own" not in html  # the governor reads only
    assert _url("control-attest", met) not in html
    only = login(personas.governor).get(LIST, {"state": "not_met"}).content.decode()
    assert not_met.title in only and fresh.title not in only and met.title not in only
    attested = login(personas.governor).get(LIST, {"kind": "computed"}).content.decode()
    assert fresh.title not in attested
    mine = login(personas.it_lead).get(LIST).content.decode()
    assert _url("control-attest", not_met) in mine  # the IT lead's role owns it
    assert _url("control-attest", met) not in mine
    managed = login(personas.siro).get(LIST).content.decode()
    assert "Add a control of your own" in managed and _url("control-attest", met) in managed


def test_a_controls_page_says_why_and_lists_its_confirmations(personas: Personas,
                                                                login: Login) -> None:
    control = builtin()
    attest(personas, control, attested_on=timezone.localdate() - timedelta(days=3),
           uploaded_file=SimpleUploadedFile("cabinet.png", PNG))
    attest(personas, control, outcome="not_done", note="The office cabinet was open.")
    framework = Framework.objects.create(code="test-policy", version="1", title="Test policy",
                                         short_title="Test policy", publisher="Us", order=99)
    requirement = Requirement.objects.create(framework=framework, code="test-policy.cabinets",
                                             title="Paper is locked away", section="Paper")
    requirement.controls.add(control)
    html = login(personas.auditor).get(_url("control-detail", control)).content.decode()
    assert "Why it is not met" in html and "it was not done" in html
    assert "The office cabinet was open." in html
    assert "Confirmations (2)" in html
    evidence = Attestation.objects.exclude(evidence_stored_name="").get()
    assert reverse("compliance:attestation-evidence", args=[evidence.public_id]) in html
    assert "Paper is locked away" in html and "Test policy" in html
    assert reverse("compliance:framework-detail", args=["test-policy"]) in html
    assert "Confirm it was done" not in html and "Change its owner" not in html
    managed = login(personas.siro).get(_url("control-detail", control)).content.decode()
    assert "Confirm it was done" in managed and "Change its owner" in managed
    assert "Archive it" not in managed  # a built-in control


def test_another_schools_control_is_a_404(personas: Personas, login: Login) -> None:
    theirs = services.control_create(school=personas.other_school, actor=None,
                                     title="Their cabinet", cadence="termly")
    for name in ("control-detail", "control-edit", "control-attest", "control-archive"):
        assert login(personas.siro).get(_url(name, theirs)).status_code == 404


def test_adding_a_control(personas: Personas, login: Login) -> None:
    client = login(personas.business_manager)
    form = client.get(ADD).content.decode()
    assert "Nobody named: the SIRO owns it" in form and personas.staff.full_name in form
    refused = client.post(ADD, {"title": "Shredder emptied", "cadence": "every_n_days"})
    assert refused.status_code == 200
    assert "Enter every how many days it is confirmed" in refused.content.decode()
    assert not Control.objects.filter(school=personas.school).exists()
    response = client.post(ADD, {"title": "Shredder emptied", "cadence": "every_n_days",
                                 "every_days": "14", "owner": str(personas.staff.pk),
                                 "evidence_hint": "A photo of the empty bin"})
    control = Control.objects.get(school=personas.school)
    assert response.status_code == 302 and response["Location"] == _url("control-detail",
                                                                        control)
    assert control.every_days == 14
    assert ControlSetting.objects.get(control=control).owner == personas.staff


def test_changing_a_builtin_controls_owner_and_a_stale_save(personas: Personas,
                                                             login: Login) -> None:
    control = builtin()
    url = _url("control-edit", control)
    form = login(personas.siro).get(url).content.decode()
    assert "As published (once a term)" in form and 'name="title"' not in form
    body = {"version": "0", "owner": str(personas.staff.pk), "cadence": "yearly"}
    assert login(personas.siro).post(url, body).status_code == 302
    setting = ControlSetting.objects.get(school=personas.school, control=control)
    assert (setting.owner, setting.cadence) == (personas.staff, "yearly")
    stale = login(personas.dpo).post(url, {**body, "owner": ""})
    assert stale.status_code == 200
    html = stale.content.decode()
    assert "Someone else changed" in html and str(personas.siro) in html
    setting.refresh_from_db()
    assert setting.owner == personas.staff


def test_changing_an_own_control(personas: Personas, login: Login) -> None:
    control = own(personas)
    url = _url("control-edit", control)
    form = login(personas.siro).get(url).content.decode()
    assert escape(control.title) in form and 'name="title"' in form
    response = login(personas.siro).post(url, {
        "version": str(control.version), "title": "Visitors sign in at reception",
        "cadence": "yearly", "owner": ""})
    assert response.status_code == 302
    control.refresh_from_db()
    assert control.title == "Visitors sign in at reception" and control.cadence == "yearly"


def test_confirming_with_a_photo_and_downloading_it(personas: Personas, login: Login
                                                     ) -> None:
    control = builtin("server-room-locked", owner_role="it_lead")
    url = _url("control-attest", control)
    client = login(personas.it_lead)
    form = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert f'value="{timezone.localdate().day}"' in form  # the day defaults to today
    refused = client.post(url, {**_day(timezone.localdate()), "outcome": "done",
                                "evidence": SimpleUploadedFile("x.png", b"<svg></svg>")})
    assert refused.status_code == 200 and "must be a PDF" in refused.content.decode()
    response = client.post(url, {**_day(timezone.localdate()), "outcome": "done",
                                 "note": "Locked.",
                                 "evidence": SimpleUploadedFile("door.pdf", PDF)})
    assert response.status_code == 302 and response["Location"] == _url("control-detail",
                                                                        control)
    attestation = Attestation.objects.get()
    download_url = reverse("compliance:attestation-evidence", args=[attestation.public_id])
    download = login(personas.governor).get(download_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="compliance.attestation.evidence-opened",
                                     actor=personas.governor).exists()
    assert login(personas.outsider).get(download_url).status_code == 404
    assert login(personas.staff).get(download_url).status_code == 403


def test_who_may_open_the_confirmation_form(personas: Personas, login: Login) -> None:
    control = builtin("server-room-locked", owner_role="it_lead")
    url = _url("control-attest", control)
    assert login(personas.staff).get(url).status_code == 403
    assert login(personas.business_manager).get(url).status_code == 200  # manages
    assert login(personas.auditor).get(url).status_code == 403
    services.control_update(school=personas.school, actor=None, control=control, version=0,
                            owner=personas.staff)
    assert login(personas.it_lead).get(url).status_code == 403  # no longer the owner
    client = login(personas.staff)
    assert client.get(url).status_code == 200
    response = client.post(url, {**_day(timezone.localdate()), "outcome": "not_done"})
    assert "Say what was found" in response.content.decode()
    response = client.post(url, {**_day(timezone.localdate()), "outcome": "not_done",
                                 "note": "The key was in the door."})
    # Staff cannot read the compliance pages: back to their duties.
    assert response.status_code == 302 and response["Location"] == reverse("duties:dashboard")
    computed = builtin("unique-accounts", kind="computed", owner_role="it_lead",
                       when_empty="met")
    assert login(personas.siro).get(_url("control-attest", computed)).status_code == 404


def test_archiving_an_own_control(personas: Personas, login: Login) -> None:
    control = own(personas)
    url = _url("control-archive", control)
    assert "Archive it" in login(personas.siro).get(url).content.decode()
    assert login(personas.siro).post(url).status_code == 302
    control.refresh_from_db()
    assert control.archived_at is not None
    assert control.title not in login(personas.siro).get(LIST).content.decode()
    page = login(personas.siro).get(_url("control-detail", control)).content.decode()
    assert "Archived" in page and "Confirm it was done" not in page
    assert login(personas.siro).get(_url("control-archive", builtin())).status_code == 404


def _quick_attest(personas: Personas, control: Control, day, *, outcome: str = "done",
                  evidence: bool = False) -> None:
    """A confirmation written directly (the services refresh every state each time: too
    slow for forty rows), as the service would write it."""
    Attestation.objects.create(
        school=personas.school, control=control, attested_on=day, outcome=outcome,
        note="" if outcome == "done" else "Found open.", attested_by_label="Test",
        evidence_stored_name="0123456789abcdef.png" if evidence else "",
        evidence_original_name="p.png" if evidence else "",
        evidence_content_type="image/png" if evidence else "")


def test_list_query_count_does_not_grow(personas: Personas, login: Login, steady_session,
                                        django_assert_num_queries) -> None:
    client = login(personas.siro)
    today = timezone.localdate()
    for i in range(3):
        attest(personas, own(personas, f"Own control {i}"))
    client.get(LIST)  # the session's first request may write; the term dates are made
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for i in range(3, 40):
        control = Control.objects.create(school=personas.school, kind="attested",
                                          title=f"Own control {i}", order=1000,
                                          cadence="every_n_days" if i % 4 else "yearly",
                                          every_days=30 if i % 4 else None)
        if i % 2:
            ControlSetting.objects.create(school=personas.school, control=control,
                                          owner=personas.staff)
        if i % 3:
            _quick_attest(personas, control, today - timedelta(days=i),
                          outcome="not_done" if i % 5 == 0 else "done")
    with django_assert_num_queries(len(few)):
        html = client.get(LIST).content.decode()
    count = Control.objects.filter(archived_at__isnull=True).exclude(
        school=personas.other_school).count()
    assert f"Controls ({count})" in html and count >= 40


def test_detail_query_count_does_not_grow(personas: Personas, login: Login, steady_session,
                                          django_assert_num_queries) -> None:
    client = login(personas.auditor)
    control = builtin()
    today = timezone.localdate()
    for i in range(3):
        _quick_attest(personas, control, today - timedelta(days=i), evidence=bool(i % 2))
    url = _url("control-detail", control)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(3, 40):
        _quick_attest(personas, control, today - timedelta(days=i), evidence=bool(i % 2),
                      outcome="not_done" if i % 7 == 0 else "done")
    with django_assert_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert "Confirmations (40)" in html


def test_a_computed_controls_page_shows_its_figures(personas: Personas, login: Login) -> None:
    control = builtin("aup-staff-signed", kind="computed", owner_role="siro",
                      measures=["aups.signed-staff"], duty_kinds=["aups.unsigned"])
    html = login(personas.dpo).get(_url("control-detail", control)).content.decode()
    assert "Control worked out from the records" in html
    assert "Why it is not yet assessed" in html and "<h2>Its figures</h2>" in html
    assert "Overdue duties behind it" in html and "Confirm it was done" not in html
    assert "Change its owner" in html and "how often" not in html
    form = login(personas.dpo).get(_url("control-edit", control)).content.decode()
    assert 'name="owner"' in form and 'name="cadence"' not in form


def test_the_named_owner_sees_the_confirm_link_and_nobody_else_who_may_not(
        personas: Personas, login: Login) -> None:
    control = builtin("server-room-locked", owner_role="it_lead")
    services.control_update(school=personas.school, actor=None, control=control, version=0,
                            owner=personas.governor)
    confirm = escape(_url("control-attest", control))
    for url in (_url("control-detail", control), LIST):
        assert confirm in login(personas.governor).get(url).content.decode(), url
        assert confirm not in login(personas.it_lead).get(url).content.decode(), url
