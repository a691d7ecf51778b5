"""The governor pack's services: built at once (both files kept privately with the pack, its
figures and build time, audited), asked for and built by the worker (its job's progress, the
governors e-mailed a link), who may build it, the term (a bad label, a term not started, one
already being built), a build that fails (the pack and job failed, no file kept), and the
governing body's receipt (its rules, who may, a correction, a stale form)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.compliance.models import GovernorPack
from schoolkeep.compliance.pack import services
from schoolkeep.compliance.tests.pack_records import NOW, TODAY, pdf_text, started_on, stored
from schoolkeep.jobs.models import Job
from schoolkeep.lib import uploads
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def _actions(school) -> list[str]:
    return list(AuditEvent.objects.filter(school=school, action__startswith="compliance.pack")
                .order_by("sequence").values_list("action", flat=True))


def test_build_now_keeps_both_files_and_the_figures(personas: Personas) -> None:
    pack = services.pack_build_now(school=personas.school, actor=personas.siro)
    assert pack.status == GovernorPack.Status.READY
    assert (pack.term_label, pack.term_starts_on, pack.term_ends_on) == (
        "Autumn 2026", date(2026, 9, 2), date(2026, 12, 18))
    assert pack.build_seconds is not None and pack.build_seconds > 0
    assert pack.figures["figures_version"] == 3
    assert [each["code"] for each in pack.figures["frameworks"]] == [
        "school-policy", "dfe-cyber", "rpa-cyber"]
    assert "Governor pack: Autumn 2026" in pdf_text(stored(pack, "pdf"))
    assert stored(pack, "docx").startswith(b"PK")
    folder = uploads.uploads_dir(services.FOLDER)
    assert oct((folder / pack.pdf_stored_name).stat().st_mode & 0o777) == "0o600"
    assert _actions(personas.school) == ["compliance.pack.requested", "compliance.pack.built"]
    assert mail.outbox == []  # built at once: nobody is e-mailed unless asked


def test_asked_for_it_is_built_by_the_worker_and_the_governors_are_told(
        personas: Personas, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        pack = services.pack_request(school=personas.school, actor=personas.business_manager)
    pack.refresh_from_db()
    assert pack.status == GovernorPack.Status.READY
    assert pack.requested_by == personas.business_manager
    job = Job.objects.get(pk=pack.job_id)
    assert job.status == Job.Status.DONE and job.total == services.STEPS
    assert job.result["next_url"] == reverse("compliance:pack-detail", args=[pack.public_id])
    assert [message.to for message in mail.outbox] == [[personas.governor.email]]
    body = mail.outbox[0].body
    assert f"http://testserver{reverse('compliance:pack-detail', args=[pack.public_id])}" in body
    assert "Autumn 2026" in body


@pytest.mark.parametrize("persona", ["governor", "it_lead", "staff"])
def test_only_managers_build_it(personas: Personas, persona: str) -> None:
    with pytest.raises(NotAllowed):
        services.pack_request(school=personas.school, actor=personas.users[persona])
    with pytest.raises(NotAllowed):
        services.pack_build_now(school=personas.school, actor=personas.users[persona])
    assert not GovernorPack.objects.exists()


def test_terms(personas: Personas) -> None:
    school = personas.school
    started_on(school, date(2025, 9, 1))
    assert services.resolve_term(school, "summer 2026", TODAY).label == "Summer 2026"
    with pytest.raises(DomainError) as bad:
        services.resolve_term(school, "Michaelmas 2026", TODAY)
    assert bad.value.field == "term" and "is not a term" in bad.value.message
    with pytest.raises(DomainError) as future:
        services.resolve_term(school, "Spring 2027", TODAY)
    assert "has not started yet" in future.value.message
    # In the Christmas holiday the next term has not started: the term just ended.
    assert services.resolve_term(school, None, date(2026, 12, 28)).label == "Autumn 2026"


def test_one_build_of_a_term_at_a_time(personas: Personas) -> None:
    started_on(personas.school, date(2025, 9, 1))
    services.pack_request(school=personas.school, actor=personas.siro)  # not run: no commit
    with pytest.raises(DomainError) as refused:
        services.pack_request(school=personas.school, actor=personas.siro)
    assert "already being built" in refused.value.message
    assert services.pack_request(school=personas.school, actor=personas.siro,
                                 term="Summer 2026").term_label == "Summer 2026"


def test_a_failed_build_keeps_no_file(personas: Personas, monkeypatch) -> None:
    def broken(content):
        raise RuntimeError("the docx writer broke")

    monkeypatch.setattr("schoolkeep.compliance.pack.docx.pack_docx", broken)
    with pytest.raises(RuntimeError):
        services.pack_build_now(school=personas.school, actor=personas.siro)
    pack = GovernorPack.objects.get()
    assert pack.status == GovernorPack.Status.FAILED
    assert not pack.pdf_stored_name and not pack.docx_stored_name
    folder = uploads.uploads_dir(services.FOLDER)
    assert not folder.exists() or list(folder.iterdir()) == []
    assert _actions(personas.school) == ["compliance.pack.requested", "compliance.pack.failed"]
    with pytest.raises(DomainError):
        services.pack_open_file(pack=pack, actor=personas.siro, fmt="pdf")


def test_received_by_the_governing_body(personas: Personas) -> None:
    school = personas.school
    pack = services.pack_build_now(school=school, actor=personas.siro)
    base = {"school": school, "pack": pack, "meeting": "Full governing body"}
    with pytest.raises(DomainError) as future:
        services.pack_mark_received(actor=personas.governor, received_on=TODAY
                                    + timedelta(days=1), **base)
    assert future.value.field == "received_on"
    with pytest.raises(DomainError) as early:
        services.pack_mark_received(actor=personas.governor, received_on=TODAY
                                    - timedelta(days=1), **base)
    assert "before the pack was built" in early.value.message
    with pytest.raises(DomainError) as no_meeting:
        services.pack_mark_received(school=school, pack=pack, actor=personas.governor,
                                    received_on=TODAY, meeting="  ")
    assert no_meeting.value.field == "meeting"
    for persona in ("business_manager", "dpo", "staff"):
        with pytest.raises(NotAllowed):
            services.pack_mark_received(actor=personas.users[persona], received_on=TODAY,
                                        **base)
    done = services.pack_mark_received(actor=personas.governor, received_on=TODAY,
                                       minute="FGB 26/14", version=pack.version, **base)
    assert (done.received_on, done.received_meeting, done.received_minute) == (
        TODAY, "Full governing body", "FGB 26/14")
    assert done.received_by == personas.governor
    with pytest.raises(StaleVersion):
        services.pack_mark_received(actor=personas.siro, received_on=TODAY,
                                    version=pack.version, **base)
    corrected = services.pack_mark_received(actor=personas.siro, received_on=TODAY,
                                            minute="FGB 26/15", version=done.version, **base)
    assert corrected.received_minute == "FGB 26/15"
    event = AuditEvent.objects.filter(action="compliance.pack.received").order_by(
        "sequence").last()
    assert event is not None and event.changes["minute"] == {"before": "FGB 26/14",
                                                             "after": "FGB 26/15"}


def test_not_received_before_it_is_built(personas: Personas) -> None:
    pack = services.pack_request(school=personas.school, actor=personas.siro)
    with pytest.raises(DomainError) as refused:
        services.pack_mark_received(school=personas.school, actor=personas.governor, pack=pack,
                                    received_on=TODAY, meeting="Full governing body")
    assert "not built yet" in refused.value.message


def test_a_term_that_ended_before_the_school_started(personas: Personas) -> None:
    """The school started using Schoolkeep on NOW (inside Autumn 2026): the term it started
    in may be built, an earlier one is refused in one line naming the term."""
    school = personas.school
    assert services.resolve_term(school, "Autumn 2026", TODAY).label == "Autumn 2026"
    for label, words in (("Summer 2026", "Summer 2026"), ("autumn 1900", "Autumn 1900")):
        with pytest.raises(DomainError) as early:
            services.resolve_term(school, label, TODAY)
        assert early.value.field == "term"
        assert early.value.message == (
            f"{words} ended before Oakfield Primary started using Schoolkeep on "
            "18 November 2026: the earliest pack is for Autumn 2026.")
    with pytest.raises(DomainError):
        services.pack_request(school=school, actor=personas.siro, term="Summer 2026")
    assert not GovernorPack.objects.exists()


@pytest.mark.parametrize("stopped", [Job.Status.INTERRUPTED, Job.Status.FAILED, "removed"])
def test_a_build_whose_worker_stopped_does_not_block_the_term(personas: Personas,
                                                              stopped: str) -> None:
    """A pack left queued or being built when its job stopped (the worker died, the job
    failed, or the stopped job's row was removed a day later) is marked failed when the term's
    pack is asked for again, which is then built."""
    school = personas.school
    first = services.pack_request(school=school, actor=personas.siro)
    GovernorPack.objects.filter(pk=first.pk).update(status=GovernorPack.Status.BUILDING)
    if stopped == "removed":
        Job.objects.filter(pk=first.job_id).delete()
        GovernorPack.objects.filter(pk=first.pk).update(created_at=NOW - timedelta(hours=2))
    else:
        Job.objects.filter(pk=first.job_id).update(status=stopped)
    second = services.pack_request(school=school, actor=personas.siro)
    assert second.term_label == first.term_label == "Autumn 2026"
    first.refresh_from_db()
    assert first.status == GovernorPack.Status.FAILED
    assert _actions(school) == ["compliance.pack.requested", "compliance.pack.failed",
                                "compliance.pack.requested"]


def test_a_build_at_once_still_running_blocks_the_term(personas: Personas) -> None:
    """A pack with no job (built at once) asked for under an hour ago is still being built."""
    first = services.pack_request(school=personas.school, actor=personas.siro)
    Job.objects.filter(pk=first.job_id).delete()
    GovernorPack.objects.filter(pk=first.pk).update(created_at=NOW - timedelta(minutes=30))
    with pytest.raises(DomainError) as refused:
        services.pack_request(school=personas.school, actor=personas.siro)
    assert "already being built" in refused.value.message


def test_built_at_is_the_moment_its_figures_stand_at(personas: Personas) -> None:
    moment = NOW - timedelta(hours=3)
    pack = services.pack_build_now(school=personas.school, actor=personas.siro, now=moment)
    assert pack.built_at == moment
    assert pack.figures["made_on"] == moment.date().isoformat()
