"""Every page of the menu, for each persona of the demo, at 1280 and 390 pixels wide (and the
page scroll at 320): pages that fit a phone.

For each persona (one browser, one context each, the live server reused), each page its menu
offers is opened once, then:
- screenshotted at 1280 and 390 pixels under test-output/screenshots/<persona>/<page>-<width>.png
  (CI keeps them as artefacts; they are never compared);
- at 390, the key columns of every table (the row's name and the cell beside it, where the
  reason for a warning is) are on screen, and axe-core finds no WCAG 2.2 AA violation;
- at 320, the page itself does not scroll sideways (a wide table scrolls in its own box).
On the first page the menu is reached with the keyboard, opened and closed by its button.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from schoolkeep.accounts.models import User
from schoolkeep.demo.builder import build_demo
from tests.browser.conftest import ROOT, WCAG_TAGS, PageProblems, format_axe_violations
from tests.personas import enrol_totp, has_totp

pytestmark = [pytest.mark.browser, pytest.mark.sweep]  # sweeps: the SQLite pass only

SCREENSHOTS = ROOT / "test-output" / "screenshots"
WIDE, PHONE, NARROWEST = 1280, 390, 320
HEIGHT = 900
RESIZED_MS = 250  # app.js marks the tables that scroll 150 ms after the window is resized

# The personas the issue tried, by their demo e-mail.
PERSONAS = {
    "siro": "siro@larkspur.example",
    "business-manager": "business.manager@larkspur.example",
    "dpo": "dpo@kestrelvale.example",
    "it-lead": "it.lead@larkspur.example",
    "teacher": "teacher@larkspur.example",
    "governor": "governor@larkspur.example",
    "auditor": "auditor@larkspur.example",
    "trust-admin": "trust.admin@kestrelvale.example",
}

# For every table in main, its first rows' key columns not on screen: the row's name (the
# first cell) must be wholly inside the window, and the cell beside it (the reason for a
# warning, or the status) must show at least its first 40 pixels there (a stacked row puts it
# under the name; a table that scrolls in its box may cut it at the window's edge).
KEY_CELLS_OFF_SCREEN = """() => {
    const off = [];
    const width = window.innerWidth;
    document.querySelectorAll("main table").forEach((table, t) => {
        table.querySelectorAll("tbody tr").forEach((row, r) => {
            if (r >= 5) return;
            Array.from(row.cells).slice(0, 2).forEach((cell, c) => {
                const box = cell.getBoundingClientRect();
                const right = c === 0 ? box.right : Math.min(box.right, box.left + 40);
                if (box.width === 0 || box.left < -1 || right > width + 1) {
                    off.push(`table ${t + 1}, row ${r + 1}, column ${c + 1}: ` +
                             `${Math.round(box.left)}-${Math.round(box.right)}px ` +
                             `"${cell.innerText.trim().slice(0, 40)}"`);
                }
            });
        });
    });
    return off;
}"""

PAGE_SCROLLS_SIDEWAYS = """() => {
    const page = document.scrollingElement;
    return page.scrollWidth > page.clientWidth ? [page.scrollWidth, page.clientWidth] : null;
}"""

AXE = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    return results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({target: n.target, html: n.html,
                                    failureSummary: n.failureSummary})),
    }));
}"""


def _session_cookie(user: User, live_server: Any) -> dict[str, Any]:
    """A signed-in session (as after password and second factor) for the browser."""
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return {"name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}


def _page_name(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def _menu_paths(page: Any) -> list[str]:
    links = page.locator("details.nav-menu a")
    return list(dict.fromkeys(links.nth(i).get_attribute("href") for i in range(links.count())))


def _check_menu(page: Any, failures: list[str], persona: str) -> None:
    """At 390: the Menu button is reached with Tab, opens with Enter and its first page is
    next; Escape closes it; a click opens it too."""
    button = page.locator("summary.nav-menu-button")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('summary.nav-menu-button')"):
            break
    else:
        failures.append(f"{persona}: the Menu button is not reached with Tab")
        return
    page.keyboard.press("Enter")
    menu = page.locator("details.nav-menu")
    first_link = menu.locator("a").first
    if not (menu.evaluate("(d) => d.open") and first_link.is_visible()):
        failures.append(f"{persona}: Enter does not open the Menu")
        return
    page.keyboard.press("Tab")
    if not first_link.evaluate("(a) => a === document.activeElement"):
        failures.append(f"{persona}: Tab after the Menu button does not reach its first page")
    page.keyboard.press("Escape")
    if menu.evaluate("(d) => d.open"):
        failures.append(f"{persona}: Escape does not close the Menu")
    button.click()
    if not first_link.is_visible():
        failures.append(f"{persona}: a click on the Menu button does not open it")
    page.screenshot(path=str(SCREENSHOTS / persona / f"menu-open-{PHONE}.png"))
    button.click()


def _check_page(page: Any, axe_source: str, persona: str, path: str,
                failures: list[str]) -> None:
    name = _page_name(path)
    folder = SCREENSHOTS / persona
    page.set_viewport_size({"width": WIDE, "height": HEIGHT})
    response = page.goto(path)
    if response is None or response.status != 200:
        failures.append(f"{persona} {path}: answered {response and response.status}")
        return
    page.screenshot(path=str(folder / f"{name}-{WIDE}.png"), full_page=True)

    page.set_viewport_size({"width": PHONE, "height": HEIGHT})
    page.wait_for_timeout(RESIZED_MS)
    page.screenshot(path=str(folder / f"{name}-{PHONE}.png"), full_page=True)
    for cell in page.evaluate(KEY_CELLS_OFF_SCREEN):
        failures.append(f"{persona} {path} at {PHONE}px: a key column is off screen: {cell}")
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(axe_source)
    violations = page.evaluate(AXE, WCAG_TAGS)
    if violations:
        failures.append(f"{persona} at {PHONE}px: " + format_axe_violations(path, violations))

    page.set_viewport_size({"width": NARROWEST, "height": HEIGHT})
    if (widths := page.evaluate(PAGE_SCROLLS_SIDEWAYS)) is not None:
        failures.append(f"{persona} {path} at {NARROWEST}px: the page scrolls sideways "
                        f"({widths[0]}px in {widths[1]}px)")


def sweep_pages(chromium: Any, live_server: Any, axe_source: str, user: User, folder: str,
                paths: list[str]) -> list[str]:
    """Every page of ``paths``, signed in as ``user``, through ``_check_page`` (axe at 1280
    and 390 pixels, nothing scrolling sideways at 320), screenshots under ``folder``; the
    failures, with any script error or CSP report of the pages."""
    (SCREENSHOTS / folder).mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(base_url=live_server.url, locale="en-GB",
                                   viewport={"width": WIDE, "height": HEIGHT})
    context.set_default_timeout(15_000)
    context.add_cookies([_session_cookie(user, live_server)])
    page = context.new_page()
    problems = PageProblems()
    page.on("console", lambda message: problems.console.append(message.text))
    page.on("pageerror", lambda error: problems.errors.append(str(error)))
    failures: list[str] = []
    try:
        for path in paths:
            _check_page(page, axe_source, folder, path, failures)
    finally:
        context.close()
    failures += [text for text in problems.console if "Content Security Policy" in text]
    return failures + problems.errors


def test_every_page_of_the_menu_fits_a_phone(
    transactional_db: None, chromium: Any, live_server: Any, axe_source: str
) -> None:
    started = time.monotonic()
    build_demo()
    governor = User.objects.get(email=PERSONAS["governor"])
    if not has_totp(governor):  # the demo leaves one governor without it on purpose
        enrol_totp(governor)
    failures: list[str] = []
    pages = 0
    for persona, email in PERSONAS.items():
        (SCREENSHOTS / persona).mkdir(parents=True, exist_ok=True)
        context = chromium.new_context(base_url=live_server.url, locale="en-GB",
                                       viewport={"width": WIDE, "height": HEIGHT})
        context.set_default_timeout(15_000)
        context.add_cookies([_session_cookie(User.objects.get(email=email), live_server)])
        page = context.new_page()
        problems = PageProblems()
        page.on("console", lambda message, problems=problems: problems.console.append(
            message.text))
        page.on("pageerror", lambda error, problems=problems: problems.errors.append(str(error)))
        try:
            page.goto("/")
            page.set_viewport_size({"width": PHONE, "height": HEIGHT})
            paths = _menu_paths(page)
            if not paths:
                failures.append(f"{persona}: no menu on {page.url}")
                continue
            _check_menu(page, failures, persona)
            for path in paths:
                _check_page(page, axe_source, persona, path, failures)
                pages += 1
            refused = [text for text in problems.console
                       if re.search(r"Content[ -]Security[ -]Policy|Refused to", text, re.I)]
            failures += [f"{persona}: {text}" for text in refused + problems.errors]
        finally:
            context.close()
    print(f"\n{pages} pages of {len(PERSONAS)} personas in {time.monotonic() - started:.0f} s")
    assert pages >= 5 * len(PERSONAS)
    assert not failures, "\n".join(failures)



# The tops of the items of each menu row on the page (the bar of sections, and the current
# section's pages): a row that wraps has items at two different tops.
ROW_TOPS = """() => Object.fromEntries([".nav-bar", ".section-nav ul"].map((row) => [
    row, Array.from(document.querySelectorAll(`${row} > li`), (li) => li.offsetTop)]))"""
CELLS_SPILLING = """() => {
    const right = document.querySelector("main").getBoundingClientRect().right;
    return Array.from(document.querySelectorAll(".table-stack td"))
        .filter((td) => td.scrollWidth > td.clientWidth + 1
                        || td.getBoundingClientRect().right > right + 1)
        .map((td) => td.innerText.trim().slice(0, 40));
}"""
NAV_ONE_ROW_FROM = 1024  # the sections' bar fits one row from this width up


def test_the_siros_menu_rows_are_single_rows_on_wide_screens(
    transactional_db: None, chromium: Any, live_server: Any
) -> None:
    """The SIRO sees every section (the longest bar, and Records, the longest row of pages):
    at 1280 the bar and each section's pages are one row each; at 1024 the bar still is.
    (Four rows of menu pushed the page's heading down, the review found.) At 320 the
    parents' stacked rows keep their long e-mail addresses inside."""
    build_demo()
    siro = User.objects.get(email=PERSONAS["siro"])
    context = chromium.new_context(base_url=live_server.url, locale="en-GB",
                                   viewport={"width": WIDE, "height": HEIGHT})
    context.add_cookies([_session_cookie(siro, live_server)])
    page = context.new_page()
    failures: list[str] = []
    longest_row = 0
    try:
        page.goto("/")
        bar = page.locator(".nav-bar > li > a")
        sections = [bar.nth(i).get_attribute("href") for i in range(bar.count())]
        for path in sections:
            page.set_viewport_size({"width": WIDE, "height": HEIGHT})
            page.goto(path)
            rows = page.evaluate(ROW_TOPS)
            longest_row = max(longest_row, len(rows[".section-nav ul"]))
            page.set_viewport_size({"width": NAV_ONE_ROW_FROM, "height": HEIGHT})
            rows[f".nav-bar at {NAV_ONE_ROW_FROM}px"] = page.evaluate(ROW_TOPS)[".nav-bar"]
            failures += [f"{path}: {row} takes {len(set(tops))} rows"
                         for row, tops in rows.items() if len(set(tops)) > 1]
        # Long e-mail addresses break inside a stacked row at 320 rather than spill out.
        page.goto(reverse("agreements:parent-list"))
        page.set_viewport_size({"width": NARROWEST, "height": HEIGHT})
        spilling = page.evaluate(CELLS_SPILLING)
        assert page.locator(".table-stack td").count(), "the parents' list is empty"
        failures += [f"parents at {NARROWEST}px: a cell spills out: {cell}" for cell in spilling]
    finally:
        context.close()
    assert len(sections) >= 6 and longest_row >= 7  # every section; Records' seven pages
    assert not failures, "\n".join(failures)
