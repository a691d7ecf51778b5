"""Schoolkeep never stores, asks for or shows a password of another system.

Every model installed (Schoolkeep's and its libraries', from the app registry), every form
class of Schoolkeep (every module under ``schoolkeep`` imported; Django's and allauth's own
forms are theirs) and every API payload schema is inspected: a field whose name holds
password, passphrase, passcode, secret, credential, or "pin" as a word of the name
(``pin``, ``pins``, ``kiosk_pin``, ``pin_hash``; not the letters in "shipping" or "mapping")
fails the suite, unless it is one of Schoolkeep's own, listed below with why it is safe.

Schoolkeep's own secrets that need no entry, because their names say what they hold:
API tokens and invitation and personal links are kept as SHA-256 hashes (``token_hash``),
allauth's TOTP secrets live in ``Authenticator.data``, encrypted with the application's keys
(accounts/adapters.py), and the backups' passphrase is read from the environment or a file,
never from a model or a form. A relation (a foreign key's reverse accessor, such as
``password_changes``) holds no value and is not inspected; an automatic many-to-many table
is named after its models and is not either.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable, Iterator

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps
from ninja import Schema

import schoolkeep

WORDS = re.compile(r"password|passphrase|passcode|secret|credential|(?:^|_)pin(?:s|code)?(?:_|$)")

# "<where>.<field>": why it is safe. Each entry must still exist (a stale one fails too).
# A backup set's "password protected" tick box (continuity), in its model, form and API.
BACKUP_PASSWORD_FLAG = ("A yes/no flag: whether a backup set is protected by a password; the"
                        " password itself is never asked for or recorded.")

ALLOWED: dict[str, str] = {
    "model accounts.User.password":
        "Django's own hash (argon2) of the user's Schoolkeep password, never the password.",
    "model agreements.KioskPin.pin_hash":
        "The kiosk PIN's salted hash (make_password); the PIN itself is never stored.",
    "form schoolkeep.accounts.forms.SignInForm.password":
        "allauth's sign-in form: the user's own Schoolkeep password, checked, never stored.",
    "form schoolkeep.tenancy.forms.AcceptInvitationForm.password1":
        "A new member chooses their own Schoolkeep password (stored only as Django's hash).",
    "form schoolkeep.tenancy.forms.AcceptInvitationForm.password2":
        "The same chosen Schoolkeep password again, to catch a typing mistake.",
    "form schoolkeep.agreements.signing.kiosk.views.KioskPinForm.pin":
        "The kiosk's new PIN, stored only as its hash (KioskPin.pin_hash).",
    "form schoolkeep.agreements.signing.kiosk.views.KioskPinForm.pin_again":
        "The same new kiosk PIN again, to catch a typing mistake.",
    "form schoolkeep.agreements.signing.kiosk.views.KioskCloseForm.pin":
        "The kiosk PIN, compared with its hash to close the kiosk; never stored.",
    "model continuity.BackupSet.password_protected":
        BACKUP_PASSWORD_FLAG,
    "form schoolkeep.continuity.scopes.forms.SetForm.password_protected":
        BACKUP_PASSWORD_FLAG,
    "schema schoolkeep.continuity.scopes.api.SetFields.password_protected":
        BACKUP_PASSWORD_FLAG,
    "schema schoolkeep.continuity.scopes.api.SetIn.password_protected":
        BACKUP_PASSWORD_FLAG,
    "schema schoolkeep.continuity.scopes.api.SetPatch.password_protected":
        BACKUP_PASSWORD_FLAG,
}


def _flagged(name: str) -> bool:
    return bool(WORDS.search(name.lower()))


def model_fields(model_classes: Iterable[type[models.Model]]) -> Iterator[tuple[str, str]]:
    """("model app.Model.field", field name) for every field a model declares that holds a
    value (columns, foreign keys, many-to-many), automatic many-to-many tables left out."""
    for model in model_classes:
        if model._meta.auto_created:
            continue
        for field in (*model._meta.local_fields, *model._meta.local_many_to_many):
            yield f"model {model._meta.label}.{field.name}", field.name


def form_fields(form_classes: Iterable[type[forms.BaseForm]]) -> Iterator[tuple[str, str]]:
    for form in form_classes:
        for name in getattr(form, "base_fields", {}):
            yield f"form {form.__module__}.{form.__qualname__}.{name}", name


def schema_fields(schemas: Iterable[type[Schema]]) -> Iterator[tuple[str, str]]:
    for schema in schemas:
        for name, info in schema.model_fields.items():
            yield f"schema {schema.__module__}.{schema.__qualname__}.{name}", name
            if info.alias:
                yield f"schema {schema.__module__}.{schema.__qualname__}.{name}", info.alias


def offending(fields: Iterable[tuple[str, str]],
              allowed: dict[str, str] | None = None) -> list[str]:
    """The fields whose names are flagged and not allowed."""
    allowed = ALLOWED if allowed is None else allowed
    return sorted({where for where, name in fields if _flagged(name) and where not in allowed})


def _subclasses(base: type) -> set[type]:
    found: set[type] = set()
    pending = [base]
    while pending:
        for sub in pending.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                pending.append(sub)
    return found


def _import_everything() -> list[str]:
    """Import every module of Schoolkeep but its tests and migrations; the ones that fail."""
    failed = []
    for module in pkgutil.walk_packages(schoolkeep.__path__, "schoolkeep."):
        parts = module.name.split(".")
        if "tests" in parts or "migrations" in parts:
            continue
        try:
            importlib.import_module(module.name)
        except Exception as error:  # reported: a module that cannot load cannot be checked
            failed.append(f"{module.name}: {error!r}")
    return failed


def _ours(classes: Iterable[type]) -> list[type]:
    return sorted((c for c in classes if c.__module__.startswith("schoolkeep.")
                   and ".tests" not in c.__module__),
                  key=lambda c: (c.__module__, c.__qualname__))


@pytest.fixture(scope="module")
def project() -> dict[str, list[type]]:
    failed = _import_everything()
    assert not failed, "Modules that could not be imported (so not checked):\n" + "\n".join(
        failed)
    return {"models": list(apps.get_models(include_auto_created=True)),
            "forms": _ours(_subclasses(forms.BaseForm)),
            "schemas": _ours(_subclasses(Schema))}


def test_no_model_form_or_schema_has_a_field_for_a_password(project):
    fields = [*model_fields(project["models"]), *form_fields(project["forms"]),
              *schema_fields(project["schemas"])]
    # The inspection saw the project (it cannot pass by seeing nothing).
    assert len(project["models"]) > 50 and len(project["forms"]) > 30
    assert len(project["schemas"]) > 30
    found = offending(fields)
    assert not found, (
        "These fields look like they hold a password, PIN, secret or credential. Schoolkeep "
        "never stores, asks for or shows one. If it is Schoolkeep's own hashed secret, add "
        "it to ALLOWED with why it is safe:\n" + "\n".join(found))
    seen = {where for where, _ in fields}
    stale = sorted(set(ALLOWED) - seen)
    assert not stale, "ALLOWED names fields that no longer exist: " + ", ".join(stale)


def test_allauth_and_django_forms_are_theirs_not_ours(project):
    modules = {form.__module__ for form in project["forms"]}
    assert "schoolkeep.accounts.forms" in modules
    assert not any(m.startswith(("allauth.", "django.")) for m in modules)


@isolate_apps("schoolkeep.access")
def test_a_password_field_added_to_a_model_fails():
    """Someone adds ``sims_password`` to an account of a system: the check names it."""
    from schoolkeep.access.models import SystemAccount

    class FakeSystemAccount(models.Model):
        username = models.CharField(max_length=200)
        sims_password = models.CharField(max_length=200)
        pin = models.CharField(max_length=8)
        admin_credentials = models.TextField()
        shipping_mapping = models.TextField()  # "pin" only as letters: not flagged

        class Meta:
            app_label = "access"

        def __str__(self) -> str:
            return self.username

    found = offending(model_fields([FakeSystemAccount, SystemAccount]))
    assert found == [
        "model access.FakeSystemAccount.admin_credentials",
        "model access.FakeSystemAccount.pin",
        "model access.FakeSystemAccount.sims_password",
    ]
    # Allowing one field of a model allows no other of it.
    assert offending([("model accounts.User.backup_pin", "backup_pin")]) == [
        "model accounts.User.backup_pin"]


def test_a_password_field_added_to_a_form_or_an_api_schema_fails():
    class AccountForm(forms.Form):
        username = forms.CharField()
        fms_password = forms.CharField()
        client_secret = forms.CharField()

    class AccountIn(Schema):
        username: str
        usoPassword: str  # as an API in camel case might name it

    found = offending([*form_fields([AccountForm]), *schema_fields([AccountIn])])
    assert [where.rsplit(".", 1)[-1] for where in found] == [
        "client_secret", "fms_password", "usoPassword"]
