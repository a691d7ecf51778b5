"""Every secret address of a test school, made for real, and the URL conf walked for routes
that carry a secret, for the log-redaction tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RoutePattern
from tests.matrix_parts.links import make_parent, published_aup
from tests.personas import Personas

from schoolkeep.agreements.signing.links.services import link_issue
from schoolkeep.duties.calendar import feed_token_reset
from schoolkeep.incidents.report.concern import concern_page_for
from schoolkeep.tenancy.services import invitation_create

# A route parameter with one of these names holds a secret.
SECRET_PARAMETERS = {"token", "key", "secret"}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, for reverse()
    route: str
    parameters: dict[str, Any]  # name: converter (None for a regex group)

    @property
    def holds_secret(self) -> bool:
        return bool(SECRET_PARAMETERS & set(self.parameters))

    def sample(self, secret: str) -> str:
        """The route's address with ``secret`` in every text parameter."""
        values = {}
        for name, converter in self.parameters.items():
            if isinstance(converter, UUIDConverter):
                values[name] = uuid.UUID(int=1)
            elif isinstance(converter, IntConverter):
                values[name] = 7
            else:
                values[name] = secret
        return reverse(self.name, kwargs=values)


def _parameters(pattern: Any) -> dict[str, Any]:
    if isinstance(pattern, RoutePattern):
        return dict(pattern.converters)
    return dict.fromkeys(pattern.regex.groupindex)


def routes(patterns: list[Any] | None = None, prefix: str = "", namespace: str = "",
           inherited: dict[str, Any] | None = None) -> Iterator[Route]:
    """Every named route of the URL conf."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        parameters = {**(inherited or {}), **_parameters(entry.pattern)}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes(entry.url_patterns, prefix + str(entry.pattern), inner,
                              parameters)
        elif isinstance(entry, URLPattern) and entry.name:
            yield Route(namespace + entry.name, prefix + str(entry.pattern), parameters)


def secret_addresses(personas: Personas) -> dict[str, list[str]]:
    """{secret: [paths that use it]} for every kind of secret address, each made for real."""
    siro = personas.siro
    _, invitation = invitation_create(
        school=personas.school, email="newcomer@oakfield.example", full_name="New Comer",
        roles=["staff"], actor=siro, send_email=False)
    feed = feed_token_reset(user=siro, actor=siro).rsplit("/", 1)[1].removesuffix(".ics")
    parent = make_parent(personas, "Pat Parent", "pat@example.com")
    _, signing = link_issue(aup=published_aup(personas), actor=personas.business_manager,
                            channel="email", parent=parent)
    concern = concern_page_for(personas.school).token
    reset_key = default_token_generator.make_token(personas.staff)
    reset = f"{user_pk_to_url_str(personas.staff)}-{reset_key}"
    return {
        invitation: [reverse("join:accept", args=[invitation])],
        feed: [reverse("duties:calendar-feed", args=[feed])],
        signing: [reverse("signing:sign", args=[signing]), f"/sign/{signing}/more"],
        concern: [reverse("concern:report", args=[concern]), f"/report/{concern}"],
        reset_key: [reverse("account_reset_password_from_key",
                            kwargs={"uidb36": user_pk_to_url_str(personas.staff),
                                    "key": reset_key})],
        reset: [],  # the whole "uid-key" segment, as the reset link holds it
        # Wrong guesses are redacted too: they may be a real secret mistyped.
        "GuessedJoinToken0000000000000": ["/join/GuessedJoinToken0000000000000/"],
        "GuessedFeedToken0000000000000": ["/duties/calendar/GuessedFeedToken0000000000000.ics"],
        "GuessedSignToken0000000000000": ["/sign/GuessedSignToken0000000000000"],
        "GuessedReportToken00000000000": ["/report/GuessedReportToken00000000000/"],
        "GuessedResetKey00000000000000": [
            "/accounts/password/reset/key/4-GuessedResetKey00000000000000/"],
    }
