"""allauth's pages as Schoolkeep mounts them: none fails, and no template links to a route
that ``allauth_urls`` removed (sign-up, e-mail management, login codes, "account inactive").

allauth's own templates and code assume every one of its routes exists; a link to a removed
one is a ``NoReverseMatch``, a server error, on whatever page renders it. Two checks:
- every mounted allauth URL is requested (GET and an empty POST) by a stranger, a member in
  the middle of signing in, a member without two-factor and one with it: no answer is a 500;
- every template allauth ships is read as Django would find it (Schoolkeep's override first):
  a ``{% url %}`` naming a route the project does not have fails the test, unless the template
  is only rendered by a page that is not mounted (the commented list below).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import allauth
import pytest
from django.template import engines
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from tests.factories import PASSWORD, UserFactory

from schoolkeep.accounts import allauth_urls
from schoolkeep.accounts.tests.helpers import post_password

# --- Every mounted allauth URL ----------------------------------------------------------------

# Arguments for the routes that take some. A new allauth route with arguments fails the walk
# (NoReverseMatch) until it is given a row here.
ROUTE_KWARGS: dict[str, dict[str, Any]] = {
    "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-real-key"},
    "mfa_remove_webauthn": {"pk": 999999},
    "mfa_edit_webauthn": {"pk": 999999},
}


def _route_names(patterns: list[URLPattern | URLResolver]) -> list[str]:
    names: list[str] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names += _route_names(pattern.url_patterns)
        elif pattern.name:
            names.append(pattern.name)
    return names


MOUNTED = _route_names(allauth_urls.urlpatterns)


def _client_for(state: str, personas: Any) -> Client:
    client = Client()
    client.raise_request_exception = False  # a server error is what the walk looks for
    backend = "allauth.account.auth_backends.AuthenticationBackend"
    if state == "member without two-factor":
        client.force_login(personas.staff, backend=backend)
    elif state == "member with two-factor":
        client.force_login(personas.siro, backend=backend)
    elif state == "between password and code":
        assert post_password(client, personas.siro.email).status_code == 302
    return client


def _form_data(address: str) -> dict[str, str]:
    """What a stranger might fill in on any of the forms, for ``address``."""
    new_password = "a-new-passphrase-for-the-walk"
    return {"login": address, "email": address, "password": PASSWORD, "oldpassword": PASSWORD,
            "password1": new_password, "password2": new_password, "code": "000000"}


# (who, what they send). Strangers also send the address of a deactivated account with its
# right password, and an address that has no account: the two that once ended in a 500.
WALKS = [
    *[("stranger", kind) for kind in ("GET", "empty POST", "deactivated account", "no account")],
    *[(state, kind) for state in ("between password and code", "member without two-factor",
                                  "member with two-factor") for kind in ("GET", "empty POST")],
]


@pytest.mark.parametrize(("state", "kind"), WALKS)
def test_no_mounted_allauth_page_is_a_server_error(personas, state, kind):
    assert len(MOUNTED) > 20  # the walk sees allauth's routes, not an empty list
    leaver = UserFactory(email="leaver@oakfield.example", is_active=False)
    data = {"empty POST": {}, "deactivated account": _form_data(leaver.email),
            "no account": _form_data("nobody-here@oakfield.example")}.get(kind)
    failures = []
    for name in MOUNTED:
        url = reverse(name, kwargs=ROUTE_KWARGS.get(name))
        # A fresh client each time: a page may sign the member out or end the pending login.
        client = _client_for(state, personas)
        response = client.get(url) if data is None else client.post(url, data)
        if response.status_code >= 500:
            failures.append(f"{kind} {url} ({name}): {response.status_code}")
    assert failures == []


# --- Every allauth template, as the project renders it ------------------------------------------

ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
URL_TAG = re.compile(r"""\{%\s*url\s+(['"])(?P<name>[^'"]+)\1""")

# Templates that link to a route Schoolkeep does not have, and are only rendered by a page that
# is not mounted either: template -> the route of the page that renders it. The test checks
# that each route is indeed absent from the project's URL conf, and that each entry is still
# needed. A template rendered by a mounted page gets an override in templates/ instead.
UNREACHABLE: dict[str, str] = {
    # Sign-up is closed: members join by invitation (tenancy's /join/ pages).
    "account/signup.html": "account_signup",
    "account/signup_by_passkey.html": "account_signup_by_passkey",
    "mfa/webauthn/signup_form.html": "mfa_signup_webauthn",
    # The login e-mail is the account's one address: no e-mail management or verification.
    "account/email.html": "account_email",
    "account/email_change.html": "account_email",
    "account/email_confirm.html": "account_confirm_email",
    "account/confirm_email_verification_code.html": "account_email_verification_sent",
    # Rendered by allauth's ``verified_email_required`` decorator, which no view uses
    # (checked below); verification is off (ACCOUNT_EMAIL_VERIFICATION = "none").
    "account/verified_email_required.html": "account_email",
    # No phone numbers, no login or reset codes sent by e-mail.
    "account/phone_change.html": "account_change_phone",
    "account/confirm_phone_verification_code.html": "account_verify_phone",
    "account/confirm_login_code.html": "account_confirm_login_code",
    "account/confirm_password_reset_code.html": "account_confirm_password_reset_code",
    # No "trust this browser" for two-factor.
    "mfa/trust.html": "mfa_trust",
    # allauth.socialaccount, allauth.idp and OpenID are not installed.
    "socialaccount/connections.html": "socialaccount_connections",
    "socialaccount/signup.html": "socialaccount_signup",
    "openid/login.html": "openid_login",
    "idp/oidc/authorization_form.html": "idp:oidc:authorization",
    "idp/oidc/logout.html": "idp:oidc:logout",
}


def _project_route_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _project_route_names(pattern, inner)
        elif pattern.name:
            names.add(namespace + pattern.name)
    return names


def _source_django_renders(template_name: str) -> Path:
    """The file Django finds first for ``template_name``: Schoolkeep's override, if any."""
    engine = engines["django"].engine  # type: ignore[attr-defined]
    for loader in engine.template_loaders:
        for origin in loader.get_template_sources(template_name):
            if Path(origin.name).is_file():
                return Path(origin.name)
    raise AssertionError(f"{template_name} is not found")


def _broken_links() -> dict[str, set[str]]:
    """allauth template -> the routes it names that the project does not have."""
    routes = _project_route_names()
    broken: dict[str, set[str]] = {}
    for path in sorted(ALLAUTH_TEMPLATES.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(ALLAUTH_TEMPLATES).as_posix()
        source = _source_django_renders(name).read_text(encoding="utf-8")
        missing = {match["name"] for match in URL_TAG.finditer(source)} - routes
        if missing:
            broken[name] = missing
    return broken


def test_no_template_the_project_renders_links_to_a_removed_route():
    assert any(ALLAUTH_TEMPLATES.rglob("*.html"))  # the scan reads allauth's templates
    broken = _broken_links()
    unexpected = {name: sorted(routes) for name, routes in broken.items()
                  if name not in UNREACHABLE}
    assert unexpected == {}, "override these templates in src/schoolkeep/templates/"
    stale = sorted(set(UNREACHABLE) - set(broken))
    assert stale == [], "these templates no longer need to be listed as unreachable"


def test_templates_listed_as_unreachable_are_rendered_by_no_mounted_page():
    routes = _project_route_names()
    assert sorted(route for route in set(UNREACHABLE.values()) if route in routes) == []
    source_root = Path(__file__).resolve().parents[2]  # src/schoolkeep
    users = [path for path in source_root.rglob("*.py")
             if "verified_email_required" in path.read_text(encoding="utf-8")
             and path != Path(__file__).resolve()]
    assert users == []


def test_the_scan_sees_a_link_to_a_removed_route(settings, tmp_path):
    """The scan is not blind: an override that links to sign-up is reported."""
    override = tmp_path / "account" / "password_reset_done.html"
    override.parent.mkdir()
    override.write_text("<a href=\"{% url 'account_signup' %}\">Sign up</a>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    assert _broken_links()["account/password_reset_done.html"] == {"account_signup"}
