import pytest
from django.core.management import CommandError, call_command
from tests.factories import UserFactory

from schoolkeep.accounts.models import User


@pytest.fixture
def active_demo_member(db):
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(is_demo=True)
    return user


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_production_refuses_to_start_with_an_active_demo_member(
    settings, active_demo_member, command
):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="demo-deactivate"):
        call_command(command)


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_bad_arguments_are_refused_before_anything_starts(db, command):
    args = ["--port", "not-a-port"] if command == "serve" else ["--interval", "0"]
    with pytest.raises(CommandError):
        call_command(command, *args)
