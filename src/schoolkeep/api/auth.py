"""Bearer-token authentication, the API-wide default.

A token acts as its user with the user's current roles. It is refused (401) when unknown,
expired, revoked or its user is deactivated; refused (403) when read-only and the request
writes, or when the user's roles need two-factor sign-in and the user has none.

A token reaches the schools of ``tenancy.selectors.user_access``, read afresh on each
request: from the leaving date on the user's person record in a school, that school is not
among them (404 there), while the token still works for any other school the user serves.
When no membership remains, ``tenancy.leaving`` revokes the token.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from schoolkeep.accounts.models import ApiToken
from schoolkeep.accounts.selectors import user_needs_mfa
from schoolkeep.accounts.services import TOKEN_PREFIX, token_record_use
from schoolkeep.lib.crypto import token_hash
from schoolkeep.tenancy.selectors import user_access

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_TOKEN_LENGTH = 200


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        # Parsed here rather than by HttpBearer, which logs a malformed header in DEBUG.
        scheme, _, value = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not value.strip():
            return None
        return self.authenticate(request, value.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
            return None
        api_token = (
            ApiToken.objects.select_related("user").filter(token_hash=token_hash(token)).first()
        )
        now = timezone.now()
        if api_token is None or not api_token.is_usable(now):
            return None
        user = api_token.user
        if api_token.read_only and request.method not in SAFE_METHODS:
            raise HttpError(403, "This token is read-only.")
        found = user_access(user)  # schools, roles and second factor in one query
        accesses = found.schools
        if user_needs_mfa(accesses) and not found.has_second_factor:
            raise HttpError(
                403,
                "Your role needs two-factor sign-in: set it up in Schoolkeep before using "
                "API tokens.",
            )
        token_record_use(token=api_token, now=now)
        # The endpoints act as this user, with these schools and roles.
        request.user = user
        request.access_list = accesses  # type: ignore[attr-defined]
        return api_token
