"""Fixtures for the browser journeys: Debian's chromium driven by Playwright, plus axe-core.

Chromium comes from Debian (``/usr/bin/chromium``; Playwright's own browser download is not
used) and axe-core from the npm package that ``make test`` installs into the git-ignored
``tools/axe/node_modules``. When either is missing the browser tests are skipped with the
reason, unless ``SCHOOLKEEP_REQUIRE_BROWSER=1`` (set by ``.ci/run`` on CI), which turns the
skip into an error.

Playwright's sync API runs an asyncio loop in the test thread, which makes Django refuse ORM
calls there; ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set only while a browser test runs (the ORM is
still used from one thread at a time: the test waits while the live server answers).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("SCHOOLKEEP_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT_DIR = ROOT / "test-output" / "browser"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe-core's tags).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CSP_MESSAGE = re.compile(r"Content[ -]Security[ -]Policy|Refused to (execute|load|apply)", re.I)


def browser_unavailable(reason: str) -> None:
    if os.environ.get("SCHOOLKEEP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (SCHOOLKEEP_REQUIRE_BROWSER=1: browser tests must run)")
    pytest.skip(f"{reason}: browser tests skipped (run `make test` as root to install it)")


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        browser_unavailable(f"axe-core is not installed at {AXE_JS.relative_to(ROOT)}")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A headless Debian chromium for one test (started and stopped with it)."""
    if not os.access(CHROMIUM, os.X_OK):
        browser_unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a pinned dev dependency
        browser_unavailable("the playwright package is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            # ORM calls made while Playwright's loop runs get database connections of their
            # own; close them here, or PostgreSQL keeps a session open on the test database
            # and pytest-django cannot drop it at the end.
            connections.close_all()


@dataclass
class PageProblems:
    """What the browser reported while the journey ran: CSP refusals and script errors."""

    csp: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


@pytest.fixture
def browser_page(chromium: Any, live_server: Any) -> Iterator[tuple[Any, PageProblems]]:
    """A page in a fresh browser context on the live server, under the app's real CSP.

    The context does not bypass CSP, so a violation by our own markup shows up in the
    console and fails the journey. axe-core is injected with ``page.evaluate``, which runs
    through the DevTools protocol and is not subject to the page's CSP.
    """
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = PageProblems()

    def on_console(message: Any) -> None:
        text = f"[{message.type}] {message.text} ({page.url})"
        problems.console.append(text)
        if CSP_MESSAGE.search(message.text):
            problems.csp.append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.errors.append(f"{error} ({page.url})"))
    try:
        yield page, problems
    finally:
        context.close()


def format_axe_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} WCAG 2.2 AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            lines.append(f"    at {target}\n      {node.get('html', '')[:200]}\n      {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)
