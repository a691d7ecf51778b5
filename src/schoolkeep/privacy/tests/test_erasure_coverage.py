"""Every model with a link to a person (people.Person) or a user is covered by some
erasure provider's ``covers``: a new model holding a person's data cannot be forgotten."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings

from schoolkeep.privacy.erasure.registry import covered_models, providers

# Models that point at a person or a user but are not erased by a provider, and why.
NOT_ERASED = {
    # The audit trail is never changed: the person's values in it are sealed with their
    # key, which the erasure forgets (audit.sealing.forget).
    "audit.auditevent": "sealed values, forgotten with the key",
}


def _linked_models() -> set[str]:
    targets = {"people.person", settings.AUTH_USER_MODEL.lower()}
    linked = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not ((field.is_relation and field.concrete) or field.many_to_many):
                continue
            if getattr(field, "auto_created", False) and not field.concrete:
                continue
            related = field.related_model
            if related is not None and related._meta.label_lower in targets:
                linked.add(model._meta.label_lower)
    return linked


def test_every_model_linked_to_a_person_or_user_has_a_provider() -> None:
    missing = sorted(_linked_models() - covered_models() - set(NOT_ERASED))
    assert missing == [], f"No erasure provider covers: {', '.join(missing)}"


def test_the_providers_have_unique_names_and_cover_real_models() -> None:
    names = [p.name for p in providers()]
    assert len(names) == len(set(names)) and "people" in names
    for label in covered_models():
        apps.get_model(label)  # raises LookupError for a label that is no model
