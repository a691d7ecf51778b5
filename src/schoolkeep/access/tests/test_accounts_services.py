"""The account services: the rules of a shared account, people of the school only, usernames
unique per system ignoring case, unknown facts kept unknown, versions, idempotent disabling,
who may write, audit events; and who should have an account from the access labels."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.access.accounts import services
from schoolkeep.access.accounts.expected import expected_people, expected_systems
from schoolkeep.access.models import SystemAccount
from schoolkeep.assets.models import AccessLabel
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.lib.text import fold
from schoolkeep.systems.tests.records import make_asset, make_person, make_system
from schoolkeep.tenancy.models import Membership

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def create(personas: Personas, system, username: str = "ada", **fields) -> SystemAccount:
    return services.account_create(school=personas.school, actor=personas.it_lead,
                                   system=system, username=username, **fields)


def test_create_keeps_unknown_facts_unknown_and_audits(personas: Personas) -> None:
    sims = make_system(personas)
    ada = make_person(personas.school, "Ada Lovelace")
    account = create(personas, sims, "  ADA.Lovelace  ", person=ada, is_admin=True)
    account.refresh_from_db()
    assert account.username == "ADA.Lovelace" and account.username_key == "ada.lovelace"
    assert account.is_admin is True and account.mfa_on is None
    assert account.matched_by == "hand" and account.version == 1
    (event,) = events("access.account.created")
    assert event.actor_id == personas.it_lead.pk
    assert event.changes["person"] == {"before": None, "after": "Ada Lovelace"}
    assert event.changes["username"]["after"] == "ADA.Lovelace"


def test_username_unique_per_system_ignoring_case(personas: Personas) -> None:
    sims, fms = make_system(personas), make_system(personas, name="FMS")
    create(personas, sims, "Office")
    with pytest.raises(DomainError) as caught:
        create(personas, sims, "  office ")
    assert caught.value.field == "username"
    create(personas, fms, "office")  # another system: fine
    assert SystemAccount.objects.count() == 2


@pytest.mark.parametrize(("fields", "field"), [
    ({"username": "  "}, "username"),
    ({"is_admin": "yes"}, "is_admin"),
    ({"is_shared": None}, "is_shared"),
    ({"enabled_on": "31/02/2026"}, "enabled_on"),
    ({"enabled_on": date(2026, 5, 1), "disabled_on": date(2026, 4, 1), "enabled": False},
     "disabled_on"),
    ({"enabled": True, "disabled_on": date(2026, 4, 1)}, "disabled_on"),
    ({"colour": "blue"}, "colour"),
    ({"email": "x" * 255}, "email"),
])
def test_bad_input_names_the_field_and_saves_nothing(personas: Personas, fields, field) -> None:
    sims = make_system(personas)
    values = {"username": "ada", **fields}
    with pytest.raises(DomainError) as caught:
        services.account_create(school=personas.school, actor=personas.it_lead, system=sims,
                                **values)
    assert caught.value.field == field
    assert not SystemAccount.objects.exists() and not events("access.account.created")


def test_shared_account_needs_a_name_and_a_responsible_person_and_no_person(
        personas: Personas) -> None:
    sims = make_system(personas)
    ada = make_person(personas.school, "Ada Lovelace")
    with pytest.raises(DomainError) as caught:
        create(personas, sims, "office", is_shared=True, responsible_person=ada)
    assert caught.value.field == "display_name"
    with pytest.raises(DomainError) as caught:
        create(personas, sims, "office", is_shared=True, display_name="Office")
    assert caught.value.field == "responsible_person"
    with pytest.raises(DomainError) as caught:
        create(personas, sims, "office", is_shared=True, display_name="Office",
               responsible_person=ada, person=ada)
    assert caught.value.field == "person"
    with pytest.raises(DomainError) as caught:
        create(personas, sims, "ada", person=ada, shared_with=[ada])
    assert caught.value.field == "shared_with"
    bob = make_person(personas.school, "Bob Smith")
    account = create(personas, sims, "office", is_shared=True, display_name="Office",
                     responsible_person=ada, shared_with=[bob, ada, bob])
    assert list(account.shared_with.order_by("name_key")) == [ada, bob]


def test_people_of_another_school_are_refused(personas: Personas) -> None:
    sims = make_system(personas)
    stranger = make_person(personas.other_school, "Eve Other")
    ada = make_person(personas.school, "Ada Lovelace")
    for fields, field in [({"person": stranger}, "person"),
                          ({"is_shared": True, "display_name": "Office",
                            "responsible_person": stranger}, "responsible_person"),
                          ({"is_shared": True, "display_name": "Office",
                            "responsible_person": ada, "shared_with": [stranger]},
                           "shared_with")]:
        with pytest.raises(DomainError) as caught:
            create(personas, sims, "x", **fields)
        assert caught.value.field == field
    other_system = make_system(personas, name="Other")
    other_system.school = personas.other_school
    with pytest.raises(DomainError) as caught:
        create(personas, other_system, "x")
    assert caught.value.field == "system"


def test_update_checks_version_and_records_only_changes(personas: Personas) -> None:
    sims = make_system(personas)
    ada = make_person(personas.school, "Ada Lovelace")
    account = create(personas, sims, "ada")
    same = services.account_update(account=account, actor=personas.it_lead, version=1,
                                   username="ADA ")
    assert same.version == 2  # the spelling changed
    unchanged = services.account_update(account=account, actor=personas.it_lead, version=2,
                                        username="ADA")
    assert unchanged.version == 2 and len(events("access.account.updated")) == 1
    updated = services.account_update(account=account, actor=personas.it_lead, version=2,
                                      person=ada, mfa_on=False)
    assert updated.version == 3 and updated.matched_by == "hand" and updated.mfa_on is False
    assert events("access.account.updated")[-1].changes["person"] == {
        "before": None, "after": "Ada Lovelace"}
    with pytest.raises(StaleVersion):
        services.account_update(account=account, actor=personas.it_lead, version=2,
                                mfa_on=True)
    cleared = services.account_update(account=account, actor=personas.it_lead, version=3,
                                      person=None)
    assert cleared.person_id is None and cleared.matched_by == ""


def test_making_an_account_personal_again_clears_who_shares_it(personas: Personas) -> None:
    sims = make_system(personas)
    ada, bob = (make_person(personas.school, name) for name in ("Ada Lovelace", "Bob Smith"))
    account = create(personas, sims, "office", is_shared=True, display_name="Office",
                     responsible_person=ada, shared_with=[bob])
    account = services.account_update(account=account, actor=personas.it_lead, version=1,
                                      is_shared=False, person=bob)
    assert account.person == bob and not account.shared_with.exists()


def test_disable_is_idempotent_and_enabling_again_clears_the_date(personas: Personas) -> None:
    sims = make_system(personas)
    account = create(personas, sims, "ada")
    services.account_disable(account=account, actor=personas.it_lead)
    again = services.account_disable(account=account, actor=personas.it_lead,
                                      disabled_on=date(2020, 1, 1))
    assert again.enabled is False and again.disabled_on == timezone.localdate()
    assert again.version == 2 and len(events("access.account.disabled")) == 1
    back = services.account_update(account=again, actor=personas.it_lead, version=2,
                                   enabled=True)
    assert back.enabled is True and back.disabled_on is None


def test_read_only_roles_may_not_write(personas: Personas) -> None:
    sims = make_system(personas)
    account = create(personas, sims, "ada")
    for actor in (personas.dpo, personas.auditor, personas.outsider):
        with pytest.raises(NotAllowed):
            services.account_create(school=personas.school, actor=actor, system=sims,
                                    username="bob")
        with pytest.raises(NotAllowed):
            services.account_update(account=account, actor=actor, version=1, mfa_on=True)
        with pytest.raises(NotAllowed):
            services.account_disable(account=account, actor=actor)
    services.account_create(school=personas.school, actor=personas.siro, system=sims,
                            username="bob")


# ---------------------------------------------------------------------------- expected


def _label(personas: Personas, name: str, *users) -> AccessLabel:
    label = AccessLabel.objects.create(school=personas.school, label=name, label_key=fold(name))
    label.members.set(Membership.objects.filter(school=personas.school, user__in=users))
    return label


def test_expected_people_and_systems_follow_the_access_labels(
        personas: Personas, django_assert_num_queries) -> None:
    today = timezone.localdate()
    sims, fms, cpoms = (make_system(personas, name=n) for n in ("SIMS", "FMS", "CPOMS"))
    office = _label(personas, "Office", personas.business_manager, personas.staff)
    finance = _label(personas, "Finance", personas.business_manager)
    make_asset(personas.school, "Pupil records", sims).access_labels.set([office])
    make_asset(personas.school, "Budget", fms, group="Finance").access_labels.set([finance])
    old = make_asset(personas.school, "Old", cpoms, archived_at=timezone.now())
    old.access_labels.set([office])
    bm = make_person(personas.school, "Bea Manager")
    bm.user = personas.business_manager
    bm.save()
    staff = make_person(personas.school, "Sam Staff")
    staff.user = personas.staff
    staff.leaving_date = today  # left today: no longer expected
    staff.save()
    make_person(personas.school, "No User")
    with django_assert_num_queries(1):
        assert list(expected_people(school=personas.school, system=sims, today=today)) == [bm]
    assert list(expected_people(school=personas.school, system=sims,
                                today=today - timedelta(days=1))) == [bm, staff]
    assert list(expected_people(school=personas.school, system=cpoms, today=today)) == []
    with django_assert_num_queries(1):
        assert expected_systems(school=personas.school, person=bm, today=today) == [fms, sims]
    assert expected_systems(school=personas.school, person=staff, today=today) == []
    Membership.objects.filter(user=personas.business_manager).update(is_active=False)
    assert expected_systems(school=personas.school, person=bm, today=today) == []
