"""Fixtures shared by every test module (loaded from the root conftest)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from schoolkeep.accounts.models import User
from tests.personas import Personas, build_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    """Sign a user in on the test client, as after password and second factor."""

    def _login(user: User) -> Client:
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return client

    return _login
