"""The main menu: a few sections built from the viewer's access without a query, the
current page marked, a Menu button (a details element) for narrow screens, and entries
whose page or permission does not exist yet left out."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import RequestFactory
from django.urls import reverse

from schoolkeep.tenancy import context_processors
from schoolkeep.tenancy.context_processors import navigation
from schoolkeep.tenancy.roles import roles_allow


@dataclass(frozen=True)
class FakeAccess:
    roles: frozenset[str]

    def can(self, permission: str) -> bool:
        return roles_allow(self.roles, permission)


def _sections(path: str, *roles: str, others: int = 0) -> dict[str, list[tuple[str, bool, bool]]]:
    request = RequestFactory().get(path)
    access = FakeAccess(frozenset(roles))
    request.access_list = [access] * (1 + others)  # type: ignore[attr-defined]
    return {section.label: [(e.label, e.current, e.within) for e in section.entries]
            for section in navigation(request, access)}


def test_the_siro_sees_a_few_sections_with_administration_in_one() -> None:
    sections = _sections("/", "siro")
    assert list(sections)[:5] == ["What needs doing", "Records", "Report an incident",
                                  "Data safety", "Data protection"]
    assert [label for label, _c, _w in sections["Data safety"]] == [
        "Incidents", "Sending data", "Equipment", "Backup and recovery",
        "Training", "Housekeeping", "Key contacts"]
    # Requests, DPIAs, suppliers, retention and destruction: data protection by design.
    assert [label for label, _c, _w in sections["Data protection"]] == [
        "Requests", "DPIAs", "Suppliers", "Retention", "Destruction log"]
    assert list(sections)[-1] == "Settings"
    assert len(sections) <= 7
    assert [label for label, _c, _w in sections["Report an incident"]] == ["Report an incident"]
    settings = [label for label, _c, _w in sections["Settings"]]
    assert {"Members", "Locked accounts", "School settings", "Audit trail"} <= set(settings)
    records = [label for label, _c, _w in sections["Records"]]
    assert records[:2] == ["People", "Single Central Record"]


def test_a_teacher_sees_no_administration_they_may_not_use() -> None:
    sections = _sections("/", "staff")
    everything = {label for entries in sections.values() for label, _c, _w in entries}
    assert "Locked accounts" not in everything and "School settings" not in everything
    assert "Report an incident" in everything and "Key contacts" in everything
    assert "Single Central Record" not in everything
    # Everyone may log a request they received, ask how to send data and record their own
    # training; the incident log, the equipment, the backups and the housekeeping campaigns
    # are not theirs.
    assert sections["Data safety"] == [("Sending data", False, False),
                                       ("Training", False, False),
                                       ("Key contacts", False, False)]
    assert sections["Data protection"] == [("Requests", False, False)]


def test_the_current_page_and_the_pages_under_an_entry_are_marked() -> None:
    record = reverse("people:record")
    sections = _sections(record, "siro")
    assert ("Single Central Record", True, True) in sections["Records"]
    assert ("People", False, False) in sections["Records"]  # /people/ is only a start of it
    inside = _sections(reverse("people:person-list") + "00000000-0000-0000-0000-000000000000/",
                       "siro")
    assert ("People", False, True) in inside["Records"]
    # The root's entry (the dashboard is at its own address) marks no other page.
    assert not any(within for entries in inside.values() for _l, _c, within in entries
                   if entries is not inside["Records"])


def test_entries_not_built_yet_are_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context_processors, "NAVIGATION", [
        ("Records", [("People", "people:person-list", "school.view"),
                     ("Not yet", "nowhere:page", "school.view"),
                     ("No permission yet", "people:record", "nothing.defined")]),
        ("Later", [("Later still", "nowhere:other", "school.view")]),
    ])
    assert _sections("/", "siro") == {"Records": [("People", False, False)]}


def test_a_list_across_schools_needs_more_than_one_school(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context_processors, "NAVIGATION", [
        ("Overview", [("All schools", "people:record", "scr.view")]),
    ])
    monkeypatch.setattr(context_processors, "ACROSS_SCHOOLS", frozenset({"people:record"}))
    assert _sections("/", "siro") == {}
    assert _sections("/", "siro", others=1) == {"Overview": [("All schools", False, False)]}


@pytest.mark.django_db
def test_the_menu_is_built_without_a_query(django_assert_num_queries) -> None:
    request = RequestFactory().get(reverse("people:record"))
    access = FakeAccess(frozenset({"siro"}))
    request.access_list = [access]  # type: ignore[attr-defined]
    with django_assert_num_queries(0):
        navigation(request, access)


def test_the_page_has_a_menu_button_and_one_row_of_sections(personas, login) -> None:
    client = login(personas.siro)
    page = client.get(reverse("people:record")).content.decode()
    start = page.index('<nav class="main-nav"')
    nav = page[start:page.index("</nav>", start)]
    assert '<details class="nav-menu">' in nav
    assert re.search(r'<summary class="nav-menu-button">Menu</summary>', nav)
    bar = nav[nav.index('<ul class="nav-bar">'):]
    assert re.findall(r"<a [^>]*>([^<]+)</a>", bar)[:4] == [
        "What needs doing", "Records", "Report an incident", "Data safety"]
    assert re.search(r'<a href="/people/"[^>]*aria-current="true"[^>]*>Records</a>', bar)
    # The section's own row names its pages, this one marked as the page.
    section = page[page.index('<nav class="section-nav" aria-label="Records">'):]
    assert re.search(r'aria-current="page">Single Central Record</a>', section)
    # Every page of the menu once in the Menu button's list.
    menu = nav[nav.index('<ul class="nav-menu-sections">'):nav.index('<ul class="nav-bar">')]
    assert menu.count(">Locked accounts</a>") == 1
    assert menu.count('aria-current="page"') == 1


def test_a_single_page_section_shows_as_that_page(personas, login) -> None:
    client = login(personas.staff)
    page = client.get(reverse("duties:dashboard")).content.decode()
    bar = page[page.index('<ul class="nav-bar">'):]
    bar = bar[:bar.index("</ul>")]
    assert re.search(r'aria-current="page">What needs doing</a>', bar)
    # Reporting an incident is a section of one page: shown as that page.
    assert ">Report an incident</a>" in bar and ">Data safety</a>" in bar
    assert 'class="section-nav"' not in page
