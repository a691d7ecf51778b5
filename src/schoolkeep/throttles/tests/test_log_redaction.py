"""No secret address reaches a log line (issue 12, finding 6): every route of the URL conf
with a ``token`` or ``key`` parameter is redacted, no other route is touched, and using every
secret address for real (right and wrong, signed in or not, a CSRF refusal) logs none."""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.test import Client
from tests.personas import Personas

from schoolkeep.lib.log_redaction import SECRET_PATHS, redact
from schoolkeep.throttles.tests.secret_urls import routes, secret_addresses

SAMPLE = "Zq9SampleSecretValue"


def _under_secret_prefix(path: str) -> bool:
    return any(path.startswith(rule.prefix) for rule in SECRET_PATHS)


def _log_lines(path: str) -> list[str]:
    """The ways a path appears in log lines: a request line, a Referer, a ?next=."""
    return [f'"GET {path} HTTP/1.1" 404 179', f'"http://testserver{path}"',
            f"Not Found: {path}", f"/accounts/login/?next={quote(path, safe='')}",
            f"/accounts/login/?next={quote(path, safe='').lower()}"]


def test_every_route_with_a_secret_is_redacted_and_no_other():
    secret_routes = []
    for route in routes():
        path = route.sample(SAMPLE)
        if route.holds_secret or _under_secret_prefix(path):
            secret_routes.append(route.name)
            for line in _log_lines(path):
                assert SAMPLE.lower() not in redact(line).lower(), (route.name, route.route, line)
        else:
            assert redact(path) == path, (route.name, route.route)
    assert {"join:accept", "duties:calendar-feed", "signing:sign", "concern:report",
            "account_reset_password_from_key"} <= set(secret_routes)
    # Every rule is about a route that exists (no rule left behind by a moved address).
    for rule in SECRET_PATHS:
        assert any(route.sample(SAMPLE).startswith(rule.prefix) for route in routes()), rule


def test_pages_beside_secret_addresses_are_left_alone():
    for path in ("/incidents/report/", "/duties/calendar/reset/",
                 "/accounts/password/reset/key/done/", "/accounts/password/reset/"):
        for line in _log_lines(path):
            assert redact(line) == line


def test_every_secret_address_used_logs_no_secret(personas: Personas, client: Client, login,
                                                  caplog):
    secrets = secret_addresses(personas)
    strict = Client(enforce_csrf_checks=True)
    signed_in = login(personas.siro)
    with caplog.at_level(logging.DEBUG):
        for paths in secrets.values():
            for path in paths:
                for browser in (client, signed_in):
                    browser.get(path, REMOTE_ADDR="192.0.2.50", HTTP_REFERER=f"http://x{path}")
                    browser.get(path + "?next=" + quote(path, safe=""))
                client.post(path, {"typed_name": "x"})
                strict.post(path, {})  # a CSRF refusal (django.security.csrf) where checked
    logged = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    assert "[redacted]" in logged  # the refusals were logged, with the secret redacted
    assert any(record.name == "django.security.csrf" for record in caplog.records)
    assert any(record.name == "django.request" for record in caplog.records)
    for secret in secrets:
        assert secret not in logged and quote(secret, safe="") not in logged, secret
