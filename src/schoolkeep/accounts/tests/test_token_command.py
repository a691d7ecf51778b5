"""``schoolkeep token create|list|revoke``."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from schoolkeep.accounts.models import ApiToken
from schoolkeep.audit.context import cli_actor_label
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.crypto import token_hash


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_create_prints_the_token_alone_on_its_last_line(personas):
    output = run("create", "--email", personas.staff.email.upper(), "--read-only",
                 "--days", "7", "--name", "Backups")
    secret = output.strip().splitlines()[-1]
    assert secret.startswith("sk_") and " " not in secret
    token = ApiToken.objects.get(token_hash=token_hash(secret))
    assert token.user == personas.staff
    assert token.read_only
    assert token.name == "Backups"
    assert token.created_by_label == cli_actor_label()
    event = AuditEvent.objects.get(action="accounts.token.created")
    assert event.actor_id is None
    assert event.actor_label == cli_actor_label()


def test_list_shows_tokens_without_secrets(personas):
    secret = run("create", "--email", personas.staff.email).strip().splitlines()[-1]
    run("create", "--email", personas.dpo.email, "--name", "Other")
    output = run("list", "--email", personas.staff.email)
    token = ApiToken.objects.get(user=personas.staff)
    assert str(token.public_id) in output
    assert secret not in output
    assert personas.dpo.email not in output
    assert personas.dpo.email in run("list")


def test_revoke_by_id_and_by_email(personas):
    run("create", "--email", personas.staff.email)
    run("create", "--email", personas.staff.email)
    run("create", "--email", personas.dpo.email)
    one = ApiToken.objects.filter(user=personas.dpo).get()
    assert "Revoked 1 token." in run("revoke", "--id", str(one.public_id))
    assert "Revoked 2 tokens." in run("revoke", "--email", personas.staff.email)
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
    events = AuditEvent.objects.filter(action="accounts.token.revoked")
    assert events.count() == 3
    assert {e.actor_label for e in events} == {cli_actor_label()}


@pytest.mark.parametrize(
    "args, message",
    [
        (["create", "--email", "nobody@example.org"], "No user"),
        (["create"], "--email is required"),
        (["create", "--email", "staff@oakfield.example", "--days", "0"], "--days"),
        (["create", "--email", "staff@oakfield.example", "--days", "many"], "--days"),
        (["revoke"], "either --id or --email"),
        (["revoke", "--id", "not-a-uuid"], "not a token id"),
        (["revoke", "--id", "6f1d2c1e-0000-4000-8000-000000000000"], "No token"),
        (["list", "--email", "nobody@example.org"], "No user"),
        (["frobnicate"], "invalid choice"),
        ([], "Say what to do"),
    ],
)
def test_bad_input_is_a_command_error(personas, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not ApiToken.objects.exists()


def test_privileged_user_without_two_factor_gets_no_token(personas):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=personas.dpo).delete()
    with pytest.raises(CommandError, match="two-factor"):
        run("create", "--email", personas.dpo.email)
