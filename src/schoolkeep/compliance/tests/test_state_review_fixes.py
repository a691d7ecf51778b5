"""Fixes from the controls review: who sees a link to confirm a control or to a kind of
duty, who counts as a named owner, when a control never confirmed is first due, how a
member without a name is named, a pack whose build stopped, and refreshing one control's
status."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.compliance.models import (
    Attestation,
    Control,
    ControlSetting,
    ControlStatus,
    GovernorPack,
)
from schoolkeep.compliance.pack.selectors import shown_status
from schoolkeep.compliance.state import demo, engine, selectors, snapshots
from schoolkeep.compliance.tests.state_records import attest, attested
from schoolkeep.duties.types import local_date
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.calendar import TermCalendar
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def access(school: School, *roles: str) -> SchoolAccess:
    return SchoolAccess(school, frozenset(roles))


def test_the_confirm_link_shows_only_to_who_may_confirm(personas: Personas) -> None:
    school = personas.school
    control = attested(owner_role="business_manager")
    url = reverse("compliance:control-attest", args=[control.public_id])

    def link(viewer: SchoolAccess, viewer_id: int | None = None) -> str:
        found = engine.control_states(school, now=timezone.now(), access=viewer,
                                      viewer_id=viewer_id)[control.pk]
        assert found.reasons[0].text == "Nobody has confirmed this yet"
        return found.reasons[0].url

    assert link(access(school, Role.GOVERNOR)) == ""
    assert link(access(school, Role.IT_LEAD)) == ""
    assert link(access(school, Role.AUDITOR)) == ""
    assert link(access(school, Role.SIRO)) == url  # a manager confirms any control
    assert link(access(school, Role.BUSINESS_MANAGER)) == url  # the owner's role
    # A named owner: they may, another holder of the role who is no manager may not.
    ControlSetting.objects.create(school=school, control=control, owner=personas.staff)
    assert link(access(school, Role.STAFF), personas.staff.pk) == url
    assert link(access(school, Role.STAFF), personas.it_lead.pk) == ""
    assert link(access(school, Role.STAFF)) == ""


def test_a_named_owner_counts_only_while_they_may_confirm(personas: Personas) -> None:
    school = personas.school
    control = attested(owner_role="it_lead")
    setting = ControlSetting.objects.create(school=school, control=control, owner=personas.staff)
    owner = selectors.owner_of(control, setting, selectors.school_people(school))
    assert owner.user_id == personas.staff.pk
    MembershipRole.objects.filter(membership__school=school,
                                  membership__user=personas.staff).update(role=Role.AUDITOR)
    owner = selectors.owner_of(control, setting, selectors.school_people(school))
    assert owner.user_id is None and owner.user_ids == (personas.it_lead.pk,)
    assert "IT lead" in owner.label


def test_a_kind_link_only_for_who_oversees_the_kinds_duties(personas: Personas) -> None:
    kind = "passwords.change-due"
    assert engine._kind_url(access(personas.school, Role.GOVERNOR), kind) == ""
    assert engine._kind_url(access(personas.school, Role.IT_LEAD), kind) == ""
    assert engine._kind_url(access(personas.school, Role.SIRO), kind) == (
        reverse("duties:duty-kind-list", args=[kind]) + "?who=others")


def test_never_confirmed_is_due_at_the_end_of_the_term_it_came_in(personas: Personas) -> None:
    school = personas.school
    long_ago = timezone.now() - timedelta(days=400)
    School.objects.filter(pk=school.pk).update(created_at=long_ago)
    school.refresh_from_db()
    calendar = TermCalendar(school)
    control = attested(cadence="yearly")
    now = timezone.now()
    found = engine.control_states(school, now=now)[control.pk]
    assert found.next_due is not None
    assert found.next_due.on == calendar.term_for_date(local_date(now)).ends_on
    Control.objects.filter(pk=control.pk).update(created_at=long_ago)
    found = engine.control_states(school, now=now)[control.pk]
    assert found.next_due is not None
    assert found.next_due.on == calendar.term_for_date(local_date(long_ago)).ends_on
    assert found.next_due.on < local_date(now)


def test_a_member_without_a_name_is_named_by_role_never_by_address(personas: Personas) -> None:
    school = personas.school
    User.objects.filter(pk=personas.it_lead.pk).update(full_name="")
    people = selectors.school_people(school)
    assert people.names[personas.it_lead.pk] == "The IT lead"
    assert all("@" not in name for name in people.names.values())


def test_a_pack_whose_build_stopped_shows_as_not_built(personas: Personas) -> None:
    pack = GovernorPack.objects.create(
        school=personas.school, term_label="Autumn 2026",
        term_starts_on=local_date(timezone.now()) - timedelta(days=60),
        term_ends_on=local_date(timezone.now()) + timedelta(days=10),
        status=GovernorPack.Status.QUEUED)
    assert shown_status(pack) == GovernorPack.Status.QUEUED
    GovernorPack.objects.filter(pk=pack.pk).update(
        created_at=timezone.now() - timedelta(hours=2))
    pack.refresh_from_db()
    assert shown_status(pack) == GovernorPack.Status.FAILED


def test_refreshing_one_control_reads_and_writes_only_it(personas: Personas) -> None:
    school = personas.school
    first, second = attested(), attested()
    snapshots.statuses_refresh(school=school, now=timezone.now())
    before = ControlStatus.objects.get(school=school, control=second).checked_at
    attest(school, first, local_date(timezone.now()))
    with CaptureQueriesContext(connection) as whole:
        snapshots.statuses_refresh(school=school, now=timezone.now())
    later = timezone.now() + timedelta(minutes=1)
    with CaptureQueriesContext(connection) as one:
        snapshots.statuses_refresh(school=school, now=later, controls=[first])
    assert len(one) < len(whole)
    assert ControlStatus.objects.get(school=school, control=first).checked_at == later
    assert ControlStatus.objects.get(school=school, control=second).checked_at != later
    assert before is not None
    assert ControlStatus.objects.filter(school=school).count() == len(
        selectors.school_controls(school))


def test_the_demo_writes_its_confirmations_without_refreshing_each(personas: Personas) -> None:
    with mock.patch.object(snapshots, "statuses_refresh") as refresh:
        demo._confirm(personas.school, local_date(timezone.now()))
    refresh.assert_not_called()
    assert Attestation.objects.filter(school=personas.school).exists()
