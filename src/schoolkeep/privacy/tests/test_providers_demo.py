"""Every provider over the whole demo: each person of every demo school is erased (every
provider's ``erase_person_data``, then their row), and nothing of any app still protects or
points at them, names them in a label, or keeps their user's name or e-mail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.apps import apps

from schoolkeep.accounts.models import User
from schoolkeep.people.models import Person
from schoolkeep.privacy.erasure.registry import providers
from schoolkeep.tenancy.models import Membership

# The apps whose providers this part writes (people and privacy are the framework's).
PROVIDER_APPS = ("accounts", "agreements", "access", "passwords", "leavers", "equipment",
                 "transfers", "continuity", "compliance", "incidents", "inforequests",
                 "training", "housekeeping", "duties", "jobs", "systems", "assets")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def _links_to(model_label: str) -> list[tuple[type, str]]:
    """(model, field) for every foreign key and many-to-many field pointing at the model."""
    target = apps.get_model(model_label)
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete:
                continue
            if getattr(field, "related_model", None) is target:
                found.append((model, field.name))
    return found


def test_every_person_of_the_demo_can_be_erased_leaving_no_link_to_them() -> None:
    erased_users: dict[int, tuple[str, str]] = {}
    names = set(Person.objects.values_list("full_name", flat=True))
    for school in {p.school for p in Person.objects.select_related("school")}:
        ids = list(Person.objects.filter(school=school).values_list("pk", flat=True))
        for user in User.objects.filter(people__pk__in=ids):
            erased_users[user.pk] = (user.full_name, user.email)
        names |= {v for pair in User.objects.filter(people__pk__in=ids)
                  .values_list("full_name", "email") for v in pair if v}
        for provider in providers():
            provider.erase_person_data(school, ids, now=NOW)
        Person.objects.filter(pk__in=ids).delete()  # nothing protects them any more
    assert not Person.objects.exists()
    for model, field in _links_to("people.person"):
        if model._meta.label_lower == "privacy.erasurehold":
            continue  # F's, cascades
        assert not model._default_manager.exclude(**{f"{field}__isnull": True}).exists(), (
            model, field)
    # Users: those with no membership left are anonymised, never deleted.
    still_members = set(Membership.objects.values_list("user_id", flat=True))
    for pk, (_name, email) in erased_users.items():
        user = User.objects.get(pk=pk)
        if pk in still_members:
            continue
        assert user.full_name == "" and user.email.endswith("@erased.invalid")
        assert not user.is_active and not user.has_usable_password()
        assert email not in user.email
    # Their names left every label of what they did (the audit trail seals its own).
    for app in PROVIDER_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                if field.get_internal_type() == "CharField" and field.name.endswith(
                        ("_label", "_by_name")):
                    left = model._default_manager.filter(**{f"{field.name}__in": names})
                    assert not left.exists(), (model, field.name, list(left.values_list(
                        field.name, flat=True)[:3]))
