"""Writes of controls: a school's own attested controls (added, changed, archived), the owner
and cadence of a built-in control kept in the school's own setting (the published row never
changes), stale saves refused, and confirmations: who may confirm (managers any control,
other members only a control they own), the day's limits, "not done" with a note, the
evidence checked by its content, the states and ``ControlStatus`` refreshed at once, and
every write audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.compliance.controls import selectors, services
from schoolkeep.compliance.models import (
    Attestation,
    Control,
    ControlSetting,
    ControlStatus,
    State,
)
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def builtin(code: str = "paper-locked", *, owner_role: str = "business_manager",
            cadence: str = "termly", kind: str = "attested", **fields) -> Control:
    """A built-in control (the catalogue's, or made here when the catalogue is not loaded)."""
    control, _ = Control.objects.get_or_create(
        code=code, school=None,
        defaults={"kind": kind, "title": f"Built-in {code}", "owner_role": owner_role,
                  "cadence": cadence if kind == "attested" else "", **fields})
    return control


def own(personas: Personas, title: str = "Visitors' book kept in the office", **kwargs
        ) -> Control:
    values = {"cadence": "termly", **kwargs}
    return services.control_create(school=personas.school, actor=personas.siro, title=title,
                                   **values)


def state_of(personas: Personas, control: Control) -> str:
    rows = selectors.control_rows(personas.school, now=timezone.now())
    return next(row.state for row in rows if row.control.pk == control.pk)


def test_a_school_adds_its_own_attested_control(personas: Personas) -> None:
    control = services.control_create(
        school=personas.school, actor=personas.business_manager,
        title="  The visitors'   book is kept in the office ", cadence="every_n_days",
        every_days="30", owner=personas.staff, evidence_hint="A photo of the book",
        description="So that we know who is in the building.")
    assert control.school_id == personas.school.pk and control.kind == "attested"
    assert control.title == "The visitors' book is kept in the office"
    assert (control.cadence, control.every_days) == ("every_n_days", 30)
    assert ControlSetting.objects.get(control=control).owner == personas.staff
    event = AuditEvent.objects.get(action="compliance.control.created")
    assert event.school_id == personas.school.pk
    assert event.changes["title"]["after"] == control.title
    assert state_of(personas, control) == State.NOT_ASSESSED


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": " "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"cadence": ""}, "cadence"),
    ({"cadence": "weekly"}, "cadence"),
    ({"cadence": "every_n_days"}, "every_days"),
    ({"cadence": "every_n_days", "every_days": 731}, "every_days"),
    ({"cadence": "every_n_days", "every_days": 0}, "every_days"),
])
def test_a_new_control_breaking_a_rule_names_its_field(personas: Personas, fields, field
                                                        ) -> None:
    values = {"title": "Cabinet locked", "cadence": "termly", **fields}
    with pytest.raises(DomainError) as refused:
        services.control_create(school=personas.school, actor=personas.siro, **values)
    assert refused.value.field == field
    assert not Control.objects.filter(school=personas.school).exists()


def test_the_owner_is_an_active_member_who_may_confirm(personas: Personas) -> None:
    for outsider_or_reader in (personas.outsider, personas.auditor, personas.trust_admin):
        with pytest.raises(DomainError) as refused:
            own(personas, owner=outsider_or_reader)
        assert refused.value.field == "owner"
    assert not Control.objects.filter(school=personas.school).exists()
    offered = selectors.owner_choices(personas.school)
    assert personas.staff in offered and personas.governor in offered
    assert personas.auditor not in offered and personas.outsider not in offered
    assert len(offered) == len(set(offered))


def test_only_managers_add_change_and_archive(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        services.control_create(school=personas.school, actor=personas.it_lead, title="X",
                                cadence="termly")
    control = own(personas)
    with pytest.raises(NotAllowed):
        services.control_update(school=personas.school, actor=personas.auditor,
                                control=control, version=control.version, cadence="yearly",
                                title="X")
    with pytest.raises(NotAllowed):
        services.control_archive(school=personas.school, actor=personas.governor,
                                 control=control)
    control.refresh_from_db()
    assert control.archived_at is None and control.cadence == "termly"


def test_changing_an_own_control_and_a_stale_save(personas: Personas) -> None:
    control = own(personas)
    read = services.current_version(personas.school, control)
    changed = services.control_update(
        school=personas.school, actor=personas.dpo, control=control, version=read,
        title="Visitors sign in at the office", description="Every visitor.",
        evidence_hint="", cadence="yearly", owner=personas.it_lead)
    assert changed.title == "Visitors sign in at the office" and changed.cadence == "yearly"
    assert changed.version == read + 1
    assert ControlSetting.objects.get(control=control).owner == personas.it_lead
    event = AuditEvent.objects.filter(action="compliance.control.changed").get()
    assert event.changes["cadence"] == {"before": "termly", "after": "yearly"}
    with pytest.raises(StaleVersion):
        services.control_update(school=personas.school, actor=personas.siro, control=control,
                                version=read, title="Older", cadence="termly")
    control.refresh_from_db()
    assert control.title == "Visitors sign in at the office"


def test_a_builtin_control_is_changed_only_through_the_schools_setting(personas: Personas
                                                                         ) -> None:
    control = builtin()
    published = (control.title, control.cadence, control.version)
    assert services.current_version(personas.school, control) == 0
    services.control_update(school=personas.school, actor=personas.siro, control=control,
                            version=0, owner=personas.staff, cadence="every_n_days",
                            every_days=45, title="Ignored for a built-in control")
    control.refresh_from_db()
    assert (control.title, control.cadence, control.version) == published
    setting = ControlSetting.objects.get(school=personas.school, control=control)
    assert (setting.owner, setting.cadence, setting.every_days) == (
        personas.staff, "every_n_days", 45)
    assert services.current_version(personas.school, control) == setting.version == 1
    row = next(r for r in selectors.control_rows(personas.school, now=timezone.now())
               if r.control.pk == control.pk)
    assert row.cadence_label == "Every 45 days" and row.owner_user_id == personas.staff.pk
    # Back to the published cadence, nobody named: the role owns it again.
    services.control_update(school=personas.school, actor=personas.siro, control=control,
                            version=1, owner=None, cadence="")
    setting.refresh_from_db()
    assert (setting.owner, setting.cadence, setting.every_days) == (None, "", None)
    assert not ControlSetting.objects.filter(school=personas.other_school).exists()


def test_a_computed_control_takes_an_owner_but_no_cadence(personas: Personas) -> None:
    control = builtin("unique-accounts", kind="computed", owner_role="it_lead",
                      when_empty="met")
    services.control_update(school=personas.school, actor=personas.siro, control=control,
                            version=0, owner=personas.dpo, cadence="termly")
    setting = ControlSetting.objects.get(school=personas.school, control=control)
    assert setting.owner == personas.dpo and setting.cadence == ""


def test_nothing_changed_writes_nothing(personas: Personas) -> None:
    control = own(personas)
    services.control_update(school=personas.school, actor=personas.siro, control=control,
                            version=control.version, title=control.title, cadence="termly")
    control.refresh_from_db()
    assert control.version == 1
    assert not AuditEvent.objects.filter(action="compliance.control.changed").exists()


def test_only_a_schools_own_control_is_archived(personas: Personas) -> None:
    control = own(personas)
    services.control_attest(school=personas.school, actor=personas.siro, control=control,
                            attested_on=timezone.localdate(), outcome="done")
    services.control_archive(school=personas.school, actor=personas.siro, control=control)
    control.refresh_from_db()
    assert control.archived_at is not None
    assert Attestation.objects.filter(control=control).count() == 1  # kept, as a log
    assert all(r.control.pk != control.pk
               for r in selectors.control_rows(personas.school, now=timezone.now()))
    assert AuditEvent.objects.filter(action="compliance.control.archived").count() == 1
    with pytest.raises(DomainError):
        services.control_attest(school=personas.school, actor=personas.siro, control=control,
                                attested_on=timezone.localdate(), outcome="done")
    with pytest.raises(DomainError) as refused:
        services.control_archive(school=personas.school, actor=personas.siro,
                                 control=builtin())
    assert refused.value.field == "control"


def test_another_schools_control_is_refused(personas: Personas) -> None:
    theirs = services.control_create(school=personas.other_school, actor=personas.outsider,
                                     title="Their cabinet", cadence="termly")
    with pytest.raises(DomainError) as refused:
        services.control_attest(school=personas.school, actor=personas.siro, control=theirs,
                                attested_on=timezone.localdate(), outcome="done")
    assert refused.value.field == "control"
    with pytest.raises(DomainError):
        services.control_update(school=personas.school, actor=personas.siro, control=theirs,
                                version=1, title="Mine now", cadence="termly")
    assert not Attestation.objects.exists()


# ------------------------------------------------------------------------- confirmations


def test_a_confirmation_makes_the_control_met_and_is_audited(personas: Personas) -> None:
    control = builtin()
    assert state_of(personas, control) == State.NOT_ASSESSED
    attestation = services.control_attest(
        school=personas.school, actor=personas.business_manager, control=control,
        attested_on=timezone.localdate(), outcome="done", note="All three cabinets locked.")
    assert attestation.attested_by == personas.business_manager
    assert attestation.attested_by_label == str(personas.business_manager)
    assert state_of(personas, control) == State.MET
    status = ControlStatus.objects.get(school=personas.school, control=control)
    assert status.state == State.MET  # refreshed at once, for the duties
    event = AuditEvent.objects.get(action="compliance.control.attested")
    assert event.changes["outcome"]["after"] == "done"


def test_not_done_needs_a_note_and_makes_it_not_met(personas: Personas) -> None:
    control = builtin()
    with pytest.raises(DomainError) as refused:
        services.control_attest(school=personas.school, actor=personas.siro, control=control,
                                attested_on=timezone.localdate(), outcome="not_done",
                                note="  ")
    assert refused.value.field == "note"
    services.control_attest(school=personas.school, actor=personas.siro, control=control,
                            attested_on=timezone.localdate(), outcome="not_done",
                            note="The office cabinet was open at lunchtime.")
    assert state_of(personas, control) == State.NOT_MET
    assert ControlStatus.objects.get(school=personas.school, control=control).state == \
        State.NOT_MET


@pytest.mark.parametrize(("day", "outcome", "field"), [
    (None, "done", "attested_on"),
    ("not a day", "done", "attested_on"),
    (date(1999, 12, 31), "done", "attested_on"),
    ("tomorrow", "done", "attested_on"),
    ("today", "maybe", "outcome"),
])
def test_the_day_and_outcome_are_checked(personas: Personas, day, outcome, field) -> None:
    today = timezone.localdate()
    chosen = {"today": today, "tomorrow": today + timedelta(days=1)}.get(day, day) \
        if isinstance(day, str) else day
    with pytest.raises(DomainError) as refused:
        services.control_attest(school=personas.school, actor=personas.siro,
                                control=builtin(), attested_on=chosen, outcome=outcome)
    assert refused.value.field == field
    assert not Attestation.objects.exists()


def test_a_computed_control_is_not_confirmed(personas: Personas) -> None:
    control = builtin("unique-accounts", kind="computed", owner_role="it_lead",
                      when_empty="met")
    with pytest.raises(DomainError) as refused:
        services.control_attest(school=personas.school, actor=personas.siro, control=control,
                                attested_on=timezone.localdate(), outcome="done")
    assert refused.value.field == "control"


def test_the_evidence_is_checked_by_its_content_and_opened_audited(personas: Personas
                                                                     ) -> None:
    control = builtin()
    for name, data in (("cabinet.pdf", b"<html><script>x</script></html>"),
                       ("empty.png", b"")):
        with pytest.raises(DomainError) as refused:
            services.control_attest(school=personas.school, actor=personas.siro,
                                    control=control, attested_on=timezone.localdate(),
                                    outcome="done",
                                    uploaded_file=SimpleUploadedFile(name, data))
        assert refused.value.field == "evidence"
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * services.EVIDENCE_MAX_BYTES)
    with pytest.raises(DomainError, match="smaller than 10 MB"):
        services.control_attest(school=personas.school, actor=personas.siro, control=control,
                                attested_on=timezone.localdate(), outcome="done",
                                uploaded_file=big)
    assert not Attestation.objects.exists()
    attestation = services.control_attest(
        school=personas.school, actor=personas.siro, control=control,
        attested_on=timezone.localdate(), outcome="done",
        uploaded_file=SimpleUploadedFile("cabinet photo.html", PNG))
    assert attestation.evidence_content_type == "image/png"
    assert attestation.evidence_stored_name.endswith(".png")
    assert attestation.evidence_original_name == "cabinet photo.html"
    with services.evidence_open(attestation=attestation, actor=personas.auditor) as handle:
        assert handle.read() == PNG
    assert AuditEvent.objects.filter(action="compliance.attestation.evidence-opened",
                                     actor=personas.auditor).count() == 1
    without = services.control_attest(school=personas.school, actor=personas.siro,
                                      control=control, attested_on=timezone.localdate(),
                                      outcome="done")
    with pytest.raises(DomainError):
        services.evidence_open(attestation=without, actor=personas.auditor)


# ------------------------------------------------------------------- who may confirm


def test_managers_confirm_any_control_others_only_their_own(personas: Personas) -> None:
    paper = builtin()  # owned by the business manager's role
    servers = builtin("server-room-locked", owner_role="it_lead")
    today = timezone.localdate()

    def attest(actor, control) -> Attestation:
        return services.control_attest(school=personas.school, actor=actor, control=control,
                                       attested_on=today, outcome="done")

    attest(personas.dpo, paper)  # manages the controls: any
    attest(personas.it_lead, servers)  # holds its owner's role
    for actor, control in ((personas.it_lead, paper), (personas.staff, servers),
                           (personas.auditor, servers), (personas.outsider, servers)):
        with pytest.raises(NotAllowed):
            attest(actor, control)
    # Named as its owner, a member of staff may; the IT lead then no longer owns it.
    services.control_update(school=personas.school, actor=personas.siro, control=servers,
                            version=0, owner=personas.staff)
    attest(personas.staff, servers)
    with pytest.raises(NotAllowed):
        attest(personas.it_lead, servers)
    assert not services.may_attest(school=personas.school, actor=personas.it_lead,
                                   control=servers)
    assert services.may_attest(school=personas.school, actor=None, control=servers)
    assert Attestation.objects.count() == 3


def test_an_own_control_with_nobody_named_falls_to_the_siro(personas: Personas) -> None:
    control = own(personas)
    assert control.owner_role == "siro"
    for actor, allowed in ((personas.siro, True), (personas.business_manager, True),
                           (personas.it_lead, False), (personas.staff, False)):
        assert services.may_attest(school=personas.school, actor=actor,
                                   control=control) is allowed
