"""The campaign's services: who a launch asks (kinds, sites, access labels, leavers out),
refusals naming their field with nothing written, confirming from the dashboard, reminders
(only those who have not; never twice within a day; e-mails with the right link), completion
per group, and closing with the figures kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.assets.services import labels_resolve
from schoolkeep.audit.models import AuditEvent
from schoolkeep.housekeeping.campaigns import selectors, services
from schoolkeep.housekeeping.models import Campaign, Confirmation, ConfirmLink
from schoolkeep.housekeeping.tests.records import launch, make_person
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.services import site_create

pytestmark = pytest.mark.django_db


def asked(campaign: Campaign) -> set[str]:
    return set(Confirmation.objects.filter(campaign=campaign)
               .values_list("person__full_name", flat=True))


def test_all_staff_by_default_without_governors_or_leavers(personas: Personas) -> None:
    school = personas.school
    today = timezone.localdate()
    make_person(school, "Ann Teacher")
    make_person(school, "Bob Support", "support")
    make_person(school, "Cat Volunteer", "volunteer")
    make_person(school, "Dan Governor", "governor")
    make_person(school, "Eve Leaver", leaving_date=today - timedelta(days=1),
                start_date=today - timedelta(days=400))
    make_person(personas.other_school, "Fay Elsewhere")
    campaign = launch(school, actor=personas.siro)
    assert asked(campaign) == {"Ann Teacher", "Bob Support", "Cat Volunteer"}
    assert campaign.launched_by_label == str(personas.siro)
    event = AuditEvent.objects.get(action="housekeeping.campaign.launched")
    assert event.changes["asked"] == 3


def test_chosen_kinds_sites_and_access_labels(personas: Personas) -> None:
    school = personas.school
    north, south = site_create(school=school, name="North"), site_create(school=school,
                                                                         name="South")
    make_person(school, "Ann North", sites=[north])
    make_person(school, "Bob South", sites=[south])
    make_person(school, "Cat Support North", "support", sites=[north])
    assert asked(launch(school, kinds=["teaching"], sites=[north])) == {"Ann North"}
    Campaign.objects.update(closed_at=timezone.now())
    label = labels_resolve(school=school, labels=["Pupil data"], actor=None)[0]
    label.members.add(Membership.objects.get(user=personas.staff, school=school))
    make_person(school, "Dee Holder", user=personas.staff)
    make_person(school, "Eli Account", user=personas.dpo)
    assert asked(launch(school, access_labels=[label])) == {"Dee Holder"}


def test_refusals_name_the_field_and_write_nothing(personas: Personas) -> None:
    school = personas.school
    make_person(school, "Ann Teacher")
    with pytest.raises(DomainError) as past:
        launch(school, days=0)
    assert past.value.field == "closes_on"
    with pytest.raises(DomainError) as nobody:
        launch(school, kinds=["trustee"])
    assert nobody.value.field == "kinds"
    with pytest.raises(DomainError) as empty:
        services.campaign_launch(school=school, actor=None, title="X", checklist=" \n ",
                                 closes_on=timezone.localdate() + timedelta(days=3))
    assert empty.value.field == "checklist"
    other = site_create(school=personas.other_school, name="Theirs")
    with pytest.raises(DomainError) as site:
        launch(school, sites=[other])
    assert site.value.field == "sites"
    with pytest.raises(NotAllowed):
        launch(school, actor=personas.dpo)
    assert not Campaign.objects.exists() and not Confirmation.objects.exists()


def test_launch_emails_members_their_page_and_others_a_personal_link(
        personas: Personas, django_capture_on_commit_callbacks) -> None:
    school = personas.school
    make_person(school, "Ann Member", user=personas.staff, email="ann@example.org")
    make_person(school, "Bob Noaccount", email="bob@example.org")
    make_person(school, "Cy Nomail", email="")
    with django_capture_on_commit_callbacks(execute=True):
        campaign = launch(school)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"ann@example.org", "bob@example.org"}
    ann = Confirmation.objects.get(campaign=campaign, person__full_name="Ann Member")
    assert f"/housekeeping/confirm/{ann.public_id}/" in by_address["ann@example.org"].body
    assert "/housekeeping/link/" in by_address["bob@example.org"].body
    assert "I have deleted files I no longer need" in by_address["bob@example.org"].body
    assert ConfirmLink.objects.count() == 1  # only the person without an account
    assert "Digital housekeeping" in by_address["bob@example.org"].subject


def test_reminders_go_only_to_those_who_have_not_and_not_twice_a_day(
        personas: Personas, django_capture_on_commit_callbacks) -> None:
    school = personas.school
    make_person(school, "Ann Done", user=personas.staff)
    make_person(school, "Bob Pending")
    campaign = launch(school)
    done = Confirmation.objects.get(person__full_name="Ann Done")
    services.confirmation_confirm(confirmation=done, actor=personas.staff)
    mail.outbox.clear()
    with pytest.raises(DomainError, match="Nobody to remind"):  # the launch's e-mail counts
        services.campaign_remind(campaign=campaign, actor=personas.siro)
    day = timezone.now() + timedelta(hours=25)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_remind(campaign=campaign, actor=personas.siro, now=day) == 1
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert "Reminder" in mail.outbox[0].subject
    pending = Confirmation.objects.get(person__full_name="Bob Pending")
    assert pending.reminders_sent == 1 and pending.last_reminded_at == day
    with pytest.raises(DomainError, match="Nobody to remind"):
        services.campaign_remind(campaign=campaign, actor=personas.siro,
                                 now=day + timedelta(hours=20))
    assert services.campaign_remind(campaign=campaign, actor=personas.siro,
                                    now=day + timedelta(hours=25)) == 1
    pending.refresh_from_db()
    assert pending.reminders_sent == 2
    assert AuditEvent.objects.filter(action="housekeeping.campaign.reminded").count() == 2


def test_confirm_from_the_dashboard_only_ones_own(personas: Personas) -> None:
    school = personas.school
    make_person(school, "Ann Member", user=personas.staff)
    make_person(school, "Bob Other", user=personas.dsl)
    launch(school)
    bob = Confirmation.objects.get(person__full_name="Bob Other")
    with pytest.raises(NotAllowed):
        services.confirmation_confirm(confirmation=bob, actor=personas.staff)
    ann = Confirmation.objects.get(person__full_name="Ann Member")
    services.confirmation_confirm(confirmation=ann, actor=personas.staff)
    ann.refresh_from_db()
    assert ann.confirmed_via == "dashboard" and ann.confirmed_at is not None
    with pytest.raises(DomainError, match="already"):
        services.confirmation_confirm(confirmation=ann, actor=personas.staff)
    with pytest.raises(NotAllowed):
        services.confirmation_record(confirmation=bob, actor=personas.dpo)
    services.confirmation_record(confirmation=bob, actor=personas.siro)
    bob.refresh_from_db()
    assert bob.confirmed_via == "recorded" and bob.confirmed_by_label == str(personas.siro)


def test_completion_per_group_and_close_keeps_figures(personas: Personas) -> None:
    school = personas.school
    north = site_create(school=school, name="North")
    south = site_create(school=school, name="South")
    people = [make_person(school, "Ann T", sites=[north]),
              make_person(school, "Ben T", sites=[north, south]),
              make_person(school, "Cal S", "support", sites=[south]),
              make_person(school, "Dot S", "support")]
    campaign = launch(school)
    for person in people[:2]:
        services.confirmation_record(
            confirmation=Confirmation.objects.get(person=person), actor=None)
    figures = selectors.campaign_figures(campaign)
    assert (figures.asked, figures.confirmed) == (4, 2)
    assert [(g.label, g.asked, g.confirmed) for g in figures.by_kind] == [
        ("Employee in a support post", 2, 0), ("Employee in a teaching post", 2, 2)]
    assert [(g.label, g.asked, g.confirmed) for g in figures.by_site] == [
        ("North", 2, 2), ("South", 2, 1), ("No site recorded", 1, 0)]
    closed = services.campaign_close(campaign=campaign, actor=personas.siro)
    assert closed.figures["asked"] == 4 and closed.figures["confirmed"] == 2
    # Later changes (a person leaving, a row confirmed behind its back) leave it as it was.
    Confirmation.objects.filter(person=people[3]).update(confirmed_at=timezone.now())
    kept = selectors.figures_of(Campaign.objects.get(pk=campaign.pk))
    assert (kept.asked, kept.confirmed) == (4, 2)
    assert [(g.label, g.confirmed) for g in kept.by_site] == [("North", 2), ("South", 1),
                                                          ("No site recorded", 0)]
    with pytest.raises(DomainError, match="closed"):
        services.confirmation_record(confirmation=Confirmation.objects.get(person=people[2]),
                                     actor=None)
    with pytest.raises(DomainError):
        services.campaign_close(campaign=closed, actor=personas.siro)


def test_checklist_edits_are_versioned(personas: Personas) -> None:
    school = personas.school
    items, version = services.checklist_of(school)
    assert items == services.DEFAULT_CHECKLIST and version == 0
    services.checklist_update(school=school, actor=personas.siro,
                              checklist="Tidy the shared drive\n\nEmpty the downloads",
                              version=0)
    assert services.checklist_of(school) == (["Tidy the shared drive",
                                              "Empty the downloads"], 1)
    with pytest.raises(DomainError):
        services.checklist_update(school=school, actor=personas.siro, checklist="Other",
                                  version=0)
    with pytest.raises(NotAllowed):
        services.checklist_update(school=school, actor=personas.dpo, checklist="Other",
                                  version=1)
