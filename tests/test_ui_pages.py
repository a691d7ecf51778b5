"""The interface's pages: our own layout on allauth's pages, a strict CSP with nothing inline,
the TOTP QR code as inline SVG, the error-summary pattern, and error pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from schoolkeep.accounts.models import User
from tests.factories import PASSWORD
from tests.personas import Personas

DASH = "\N{EN DASH}"
# <script> types a browser does not run: data blocks that allauth's external scripts read.
DATA_SCRIPT_TYPES = {"application/json"}


class PageParts(HTMLParser):
    """Collects what the CSP and the layout care about from one rendered page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html_lang: str | None = None
        self.scripts: list[dict[str, str | None]] = []
        self.style_attributes: list[str] = []
        self.style_elements = 0
        self.event_handlers: list[str] = []
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_script_text: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag == "script":
            self.scripts.append(attributes)
            self._in_inline_script = not attributes.get("src")
        if tag == "style":
            self.style_elements += 1
        if "style" in attributes:
            self.style_attributes.append(f"<{tag} style={attributes['style']!r}>")
        self.event_handlers += [f"<{tag} {name}>" for name in attributes if name.startswith("on")]
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data: str) -> None:
        if self._in_inline_script and data.strip():
            self.inline_script_text.append(data.strip())

    def find(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [
            attributes
            for name, attributes in self.tags
            if name == tag and all(attributes.get(k) == v for k, v in wanted.items())
        ]


def parse(response: Any) -> PageParts:
    parts = PageParts()
    parts.feed(response.content.decode())
    return parts


def assert_csp_clean(response: Any) -> None:
    """Strict CSP with a nonce; nothing inline that it would have to allow."""
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"script-src [^;]*'nonce-([^']+)'", csp)
    assert nonce, csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    parts = parse(response)
    executable = [s for s in parts.scripts if s.get("type") not in DATA_SCRIPT_TYPES]
    assert executable, "the page loads no script at all"
    assert all(s.get("src") for s in executable), executable
    assert not parts.style_attributes, parts.style_attributes
    assert parts.style_elements == 0
    assert not parts.event_handlers, parts.event_handlers
    assert "javascript:" not in response.content.decode()
    # Our own scripts carry the request's nonce.
    ours = [s for s in executable if str(s.get("src", "")).startswith("/static/schoolkeep/")]
    assert ours and all(s.get("nonce") == nonce.group(1) for s in ours), ours


def assert_our_layout(response: Any) -> PageParts:
    parts = parse(response)
    assert parts.html_lang == "en-GB"
    assert parts.find("a", **{"class": "skip-link", "href": "#main"})
    assert parts.find("main", id="main")
    assert parts.find("link", rel="stylesheet", href="/static/schoolkeep/app.css")
    assert len(parts.ids) == len(set(parts.ids)), "duplicate ids"
    content = response.content.decode()
    # allauth's own bare layout says "Menu:" and offers sign-up; ours does neither.
    assert "Menu:" not in content
    assert "signup" not in content.lower() and "sign up" not in content.lower()
    return parts


def sign_in_with_password(client: Client, user: User) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]


def reauthenticate(client: Client) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content[:300]


@pytest.mark.django_db
def test_login_page_is_ours_and_plain(client: Client) -> None:
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    parts = assert_our_layout(response)
    content = response.content.decode()
    assert f"<title>Sign in {DASH} Schoolkeep</title>" in content
    assert "Sign in to Schoolkeep" in content
    assert parts.find("a", href=reverse("account_reset_password"))
    assert "Forgotten your password?" in content
    assert parts.find("label", **{"for": "id_login"})
    assert parts.find("label", **{"for": "id_password"})
    assert parts.find("form", method="post", action=reverse("account_login"))


@pytest.mark.django_db
def test_login_page_csp_has_a_nonce_and_nothing_inline(client: Client) -> None:
    assert_csp_clean(client.get(reverse("account_login")))


@pytest.mark.django_db
def test_failed_login_shows_the_error_summary_first(client: Client) -> None:
    response = client.post(reverse("account_login"), {"login": "", "password": ""})
    assert response.status_code == 200
    content = response.content.decode()
    assert f"<title>Error: Sign in {DASH} Schoolkeep</title>" in content
    parts = parse(response)
    summary = parts.find("div", **{"class": "error-summary"})
    assert summary and summary[0]["role"] == "alert" and summary[0]["tabindex"] == "-1"
    assert content.index("error-summary") < content.index("<h1>")
    assert parts.find("a", href="#id_login")
    login_input = parts.find("input", id="id_login")[0]
    assert login_input["aria-invalid"] == "true"
    assert login_input["aria-describedby"] == "id_login_error"
    assert "id_login_error" in parts.ids
    assert parts.find("div", **{"class": "form-group form-group-error"})


@pytest.mark.django_db
def test_totp_activation_shows_an_inline_svg_qr_code_and_the_secret(
    client: Client, personas: Personas
) -> None:
    user = personas.staff  # staff need not have two-factor, so has none yet
    sign_in_with_password(client, user)
    reauthenticate(client)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    content = response.content.decode()
    assert_our_layout(response)
    assert_csp_clean(response)
    assert "data:image" not in content and "data:" not in content
    assert "<?xml" not in content
    qr = re.search(r'<div class="qr-code" role="img" aria-label="[^"]+">\s*<svg[^>]*>', content)
    assert qr, "no inline SVG QR code"
    secret = response.context["form"].secret
    assert f'<code class="secret" id="totp-secret">{secret}</code>' in content
    assert parse(response).find("input", id="id_code", autocomplete="one-time-code")


@pytest.mark.django_db
def test_totp_activation_with_a_wrong_code_keeps_the_layout(
    client: Client, personas: Personas
) -> None:
    sign_in_with_password(client, personas.staff)
    reauthenticate(client)
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.startswith("<!doctype html>")
    assert f"<title>Error: Set up an authenticator app {DASH} Schoolkeep</title>" in content
    assert "There is a problem" in content and "<svg" in content
    assert_csp_clean(response)


@pytest.mark.django_db
def test_second_factor_page_uses_our_layout(client: Client, personas: Personas) -> None:
    sign_in_with_password(client, personas.siro)
    response = client.get(reverse("mfa_authenticate"))
    assert response.status_code == 200
    assert_our_layout(response)
    assert_csp_clean(response)
    content = response.content.decode()
    assert "Enter your code" in content
    # No security key registered: no button that could not work.
    assert "mfa_webauthn_authenticate" not in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "mfa_index",
        "usersessions_list",
        "account_change_password",
        "account_logout",
        "mfa_list_webauthn",
        "mfa_view_recovery_codes",
    ],
)
def test_account_settings_pages_use_our_layout_and_menu(
    login: Callable[[User], Client], personas: Personas, url_name: str
) -> None:
    user = personas.siro
    RecoveryCodes.activate(user)
    client = login(user)
    reauthenticate(client)
    response = client.get(reverse(url_name))
    assert response.status_code == 200, response.get("Location")
    parts = assert_our_layout(response)
    assert_csp_clean(response)
    assert parts.find("nav", **{"class": "sub-nav", "aria-label": "Account settings"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["account_reset_password", "account_reset_password_done", "account_login"]
)
def test_signed_out_pages_use_our_layout(client: Client, url_name: str) -> None:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_our_layout(response)
    assert_csp_clean(response)


@pytest.mark.django_db
def test_signed_in_layout_carries_idle_timeout_and_warning(
    login: Callable[[User], Client], personas: Personas
) -> None:
    client = login(personas.dpo)
    response = client.get(reverse("mfa_index"))
    parts = assert_our_layout(response)
    body = parts.find("body")[0]
    assert int(str(body["data-idle-timeout"])) > 0
    assert body["data-session-url"] == reverse("accounts:session-status")
    assert body["data-login-url"] == reverse("account_login")
    dialog = parts.find("div", id="idle-warning")[0]
    assert dialog["role"] == "alertdialog" and "hidden" in dialog
    assert parts.find("nav", **{"aria-label": "Main"})
    assert parts.find("form", action=reverse("account_logout"), method="post")


@pytest.mark.django_db
def test_404_uses_the_error_page_in_our_layout(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_our_layout(response)
    assert b"Page not found" in response.content


def test_500_page_needs_no_database_or_context() -> None:
    # No django_db mark: any query would raise. No request: no context processors run.
    html = render_to_string("500.html")
    assert '<html lang="en-GB">' in html
    assert 'href="/static/schoolkeep/app.css"' in html
    assert "Sorry, there is a problem with Schoolkeep" in html
    assert "<script" not in html and "style=" not in html


def test_static_files_are_ours_and_local() -> None:
    css_path = finders.find("schoolkeep/app.css")
    js_path = finders.find("schoolkeep/app.js")
    assert css_path and js_path
    with open(css_path, encoding="utf-8") as f:
        css = f.read()
    with open(js_path, encoding="utf-8") as f:
        js = f.read()
    assert "@import" not in css and "http://" not in css and "https://" not in css
    for needed in (".skip-link", ".error-summary", ".htmx-indicator", ".htmx-request",
                   "prefers-reduced-motion", ":focus-visible", ".visually-hidden"):
        assert needed in css, needed
    assert "eval(" not in js and "innerHTML" not in js and "new Function" not in js


# Pairs of custom properties (text, background) that must keep 4.5:1 contrast.
CONTRAST_PAIRS = [
    ("--text", "--background"),
    ("--text", "--light-grey"),
    ("--secondary-text", "--background"),
    ("--secondary-text", "--light-grey"),
    ("--link", "--background"),
    ("--link", "--light-grey"),
    ("--link-visited", "--background"),
    ("--link-hover", "--background"),
    ("--red", "--background"),
    ("--focus-text", "--focus"),
    ("--text", "--nav-background"),
]
WHITE_ON = ["--brand", "--green", "--green-dark", "--red", "--red-dark", "--blue"]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_stylesheet_colours_meet_wcag_aa_contrast() -> None:
    css_path = finders.find("schoolkeep/app.css")
    assert css_path
    with open(css_path, encoding="utf-8") as f:
        css = f.read()
    tokens = dict(re.findall(r"(--[a-z-]+):\s*(#[0-9a-f]{6});", css))
    pairs = CONTRAST_PAIRS + [(name, "#ffffff") for name in WHITE_ON]
    for text, background in pairs:
        ratio = _contrast(tokens[text], tokens.get(background, background))
        assert ratio >= 4.5, f"{text} on {background}: {ratio:.2f}"
    # Tags: each text colour on its own background.
    for text, background in re.findall(
        r"\.tag[a-z-]*[^{]*\{\s*color: (#[0-9a-f]{6});\s*background-color: (#[0-9a-f]{6});", css
    ):
        assert _contrast(text, background) >= 4.5, (text, background)


@pytest.mark.django_db
def test_password_reset_journey_uses_our_pages(client: Client, personas: Personas,
                                               django_capture_on_commit_callbacks: Any) -> None:
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):  # the e-mail is queued on commit
        response = client.post(reverse("account_reset_password"),
                               {"email": personas.staff.email})
    assert response.status_code == 302
    done = client.get(response["Location"])
    assert b"Check your e-mail" in done.content
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_page = client.get(link.group(1), follow=True)
    assert b"Choose a new password" in form_page.content
    assert_our_layout(form_page)
    assert_csp_clean(form_page)
    action = parse(form_page).find("form", method="post")[0]["action"]
    new_password = "a-long-new-passphrase-for-tests"
    response = client.post(action, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    finished = client.get(response["Location"])
    assert b"Your password has been changed" in finished.content
    assert_our_layout(finished)


ELEMENT_PAGE = """{% extends "allauth/layouts/entrance.html" %}{% load allauth %}
{% block head_title %}A page{% endblock %}
{% block content %}
{% element h1 %}A page{% endelement %}
{% element form form=form method="post" action="/somewhere/" %}
  {% slot body %}{% element fields form=form %}{% endelement %}{% endslot %}
  {% slot actions %}
    {% element button type="submit" tags="prominent,login" %}Go{% endelement %}
    {% element button type="submit" form="logout-from-stage" tags="link,cancel" %}
      Cancel{% endelement %}
    {% element button href="/elsewhere/" tags="danger,delete" %}Remove{% endelement %}
  {% endslot %}
{% endelement %}
{% element table %}{% element thead %}{% element th %}Key{% endelement %}{% endelement %}
{% element tbody %}{% element tr %}{% element td align="right" %}1{% endelement %}{% endelement %}
{% endelement %}{% endelement %}
{% element badge tags="warning" %}Unspecified{% endelement %}
{% endblock %}"""


@pytest.mark.django_db
def test_allauth_elements_render_in_our_patterns(rf: Any) -> None:
    """Any allauth page we did not rewrite still gets our layout through the elements."""
    from django import forms
    from django.contrib.auth.models import AnonymousUser
    from django.template import Origin, RequestContext, Template, engines

    class CodeForm(forms.Form):
        code = forms.CharField(label="Code")

    request = rf.get("/")
    request.user = AnonymousUser()
    name = "tests/element_page.html"  # allauth's tags need a named template
    template = Template(ELEMENT_PAGE, origin=Origin(name, template_name=name), name=name,
                        engine=engines["django"].engine)  # type: ignore[attr-defined]
    html = template.render(RequestContext(request, {"form": CodeForm(data={})}))
    parts = PageParts()
    parts.feed(html)
    assert parts.html_lang == "en-GB" and parts.find("main", id="main")
    assert f"<title>Error: A page {DASH} Schoolkeep</title>" in html
    form = parts.find("form", method="post", action="/somewhere/")
    assert form and "novalidate" in form[0]
    assert parts.find("div", **{"class": "error-summary"})
    assert parts.find("button", type="submit", **{"class": "button"})
    assert parts.find("button", form="logout-from-stage", **{"class": "link-button"})
    assert parts.find("a", href="/elsewhere/", **{"class": "button button-warning"})
    assert parts.find("table", **{"class": "table"})
    assert parts.find("th", scope="col")
    assert parts.find("td", **{"class": "table-numeric"})
    assert parts.find("strong", **{"class": "tag tag-due"})
