"""The grouped dashboard of each persona of the demo (Larkspur Primary School): what comes
first, the areas and kinds each one sees, no link that reads like another, and the
overview for who checks rather than does.

The demo's open breach has its 72-hour ICO clock running, handled by the DPO; its ICO
decision is a running legal clock (``tests.clocked``)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import NoReverseMatch, reverse
from tests.personas import enrol_totp

from schoolkeep.accounts.models import User
from schoolkeep.tenancy.roles import roles_allow

from .clocked import clocked_incidents

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("duties:dashboard")
ICO = "Decide whether to tell the ICO about BR-"
PERSONAS = {
    "siro": "siro@larkspur.example",
    "business_manager": "business.manager@larkspur.example",
    "dpo": "dpo@kestrelvale.example",
    "it_lead": "it.lead@larkspur.example",
    "staff": "teacher@larkspur.example",
    "governor": "governor@larkspur.example",
    "auditor": "auditor@larkspur.example",
    "trust_admin": "trust.admin@kestrelvale.example",
}


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


class Page:
    """The parts of a dashboard the tests read."""

    def __init__(self, markup: str) -> None:
        self.main = markup[markup.index("<main"):markup.index("</main>")]
        start = self.main.find('id="legal-clocks"')
        self.banner = _text(self.main[start:self.main.index('id="mine-title"')]) \
            if start >= 0 else ""
        mine_at = self.main.index('id="mine-title"')
        others_at = self.main.find('id="school-title"')
        self.mine = self.main[mine_at:others_at if others_at >= 0 else None]
        self.others = self.main[others_at:] if others_at >= 0 else ""
        self.links = [(html.unescape(href), _text(name)) for href, name in
                      re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', self.main, re.S)]
        self.statuses: dict[str, int] = {}
        start = self.main.find('id="others-clocks"')
        self.others_banner = _text(
            self.main[start:self.main.index("</section>", start)]) if start >= 0 else ""

    @staticmethod
    def headings(part: str, level: int) -> list[str]:
        return [_text(h).rsplit(" (", 1)[0]
                for h in re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", part, re.S)]

    def areas(self, part: str) -> list[str]:
        return self.headings(part, 3)

    def kinds(self, part: str) -> list[str]:
        return self.headings(part, 4)


@pytest.fixture
def demo_pages(client, shared_demo) -> dict[str, Page]:
    enrol_totp(User.objects.get(email=PERSONAS["governor"]))  # the demo leaves it to do
    pages = {}
    with clocked_incidents():
        for persona, email in PERSONAS.items():
            client.force_login(User.objects.get(email=email),
                               backend="allauth.account.auth_backends.AuthenticationBackend")
            client.post(reverse("tenancy:school-switch"), {"school": "larkspur"})
            response = client.get(DASHBOARD)
            assert response.status_code == 200, persona
            page = response.content.decode()
            assert "Larkspur Primary School: the most urgent first" in page, persona
            pages[persona] = Page(page)
            # Every link the dashboard gives this persona, followed as they would.
            pages[persona].statuses = {href: client.get(href).status_code
                                       for href, _name in pages[persona].links
                                       if href.startswith("/")}
            client.logout()
    return pages


def _overview_shown(persona: str) -> bool:
    """Each persona's name is its role's."""
    try:
        reverse("overview:school")
    except NoReverseMatch:
        return False
    return roles_allow(frozenset({persona}), "overview.view")


def test_the_demo_dashboard_of_each_persona(demo_pages):
    """One demo built for the three checks: it takes a while."""
    _leads_with_what_is_theirs_and_most_urgent(demo_pages)
    _no_link_reads_like_another(demo_pages)
    _every_link_opens(demo_pages)
    _the_overview_panel_is_for_who_may_see_the_overview(demo_pages)


def _leads_with_what_is_theirs_and_most_urgent(demo_pages):
    siro, dpo = demo_pages["siro"], demo_pages["dpo"]
    # The DPO handles the breach: its clock leads their page, with the hours left.
    assert ICO in dpo.banner and "hours left" in dpo.banner
    assert dpo.main.index('id="legal-clocks"') < dpo.main.index('id="mine-title"')
    assert ICO not in _text(dpo.mine)  # shown once, in the banner
    # Then overdue: the demo's leavers' staff files, past the retention schedule's period
    # years ago, and the policies due for review.
    assert dpo.areas(dpo.mine)[:2] == ["Retention", "Policies and their reviews"]
    assert "Records due for destruction" in dpo.kinds(dpo.mine)
    assert "Policies due for review" in dpo.kinds(dpo.mine)
    # The SIRO follows it up: first among the others' duties, not in a banner of theirs,
    # and named at the top, above their own duties, in a line per kind of legal clock.
    assert not siro.banner
    assert siro.areas(siro.others)[0] == "Incidents and data breaches"
    assert siro.kinds(siro.others)[0] == "Decisions on telling the ICO (72-hour legal deadline)"
    assert ICO in _text(siro.others)
    assert siro.main.index('id="others-clocks"') < siro.main.index('id="mine-title"')
    assert re.search(r"Decisions on telling the ICO \(72-hour legal deadline\): \d+ ?\. The most "
                     r"urgent: Decide whether to tell the ICO about BR-\S+ \(\d+ hours left; "
                     r"owner: [^)]+\)\. Follow (it|them) up", siro.others_banner)
    assert {"Information assets without an owner", "Invitations not yet accepted"} <= set(
        siro.kinds(siro.mine))

    manager = demo_pages["business_manager"]
    # Overdue first: the demo's staff whose cyber security training expired long ago.
    assert manager.areas(manager.mine)[0] == "Cyber security training"
    assert "Members and school calendar" in manager.areas(manager.mine)
    assert "Term dates to enter" in manager.kinds(manager.mine)
    assert "Enter the term dates for 2026/27" in _text(manager.mine)
    assert "Acceptable use policies not yet signed by everyone" in manager.kinds(manager.mine)
    assert not manager.others

    it_lead = demo_pages["it_lead"]
    assert "Systems whose automatic log-off needs checking" in it_lead.kinds(it_lead.mine)
    assert {"High risk: remote access without two-factor sign-in",
            "Systems that need two-factor sign-in without it"} <= set(it_lead.kinds(it_lead.mine))

    staff = demo_pages["staff"]
    assert "Acceptable use policies to sign" in staff.kinds(staff.mine)
    assert not staff.others

    governor = demo_pages["governor"]
    assert governor.kinds(governor.mine) == ["Policy versions waiting for the governors' approval"]
    assert not governor.others

    auditor = demo_pages["auditor"]
    assert "Nothing is waiting for you." in auditor.mine
    assert auditor.areas(auditor.others)[0] == "Incidents and data breaches"

    trust_admin = demo_pages["trust_admin"]
    assert "BR-" not in trust_admin.main  # incidents and requests are not theirs to see
    assert "RQ-" not in trust_admin.main
    assert ("Not shown: the duties of Incidents and data breaches, Requests with legal "
            "clocks, DPIAs, Suppliers and their agreements and Retention, which your role does "
            "not cover.") in _text(trust_admin.others)
    assert "People with Single Central Record checks missing" in trust_admin.kinds(
        trust_admin.others)

    for persona, page in demo_pages.items():
        if persona != "dpo":
            assert not page.banner, persona
        # Others' clocks at the top for who oversees incidents, and only for them.
        assert bool(page.others_banner) is (persona in {"siro", "auditor"}), persona
        assert ICO not in page.main or persona in {"dpo", "siro", "auditor"}, persona


def _no_link_reads_like_another(demo_pages):
    """No two links with the same words, even to the same page: a screen reader's list of
    links would show them as one thing twice."""
    for persona, page in demo_pages.items():
        names = [name for _href, name in page.links]
        assert sorted({name for name in names if names.count(name) > 1}) == [], persona
        assert not any(name in {"See details", "Open it", "Show all"} for _h, name in page.links)


def _the_overview_panel_is_for_who_may_see_the_overview(demo_pages):
    for persona, page in demo_pages.items():
        shown = "See the school's overview" in html.unescape(page.main)
        assert shown is _overview_shown(persona), persona


def _every_link_opens(demo_pages):
    """A duty the viewer may see but whose page they may not open is words, not a link to
    "You cannot do this" (the auditor and the trust administrator oversee without doing)."""
    for persona, page in demo_pages.items():
        assert page.statuses, persona
        refused = {href: status for href, status in page.statuses.items() if status != 200}
        assert refused == {}, persona
    # Seen, not linked: the term dates are for who manages them.
    assert "Enter the term dates for 2026/27" in _text(demo_pages["auditor"].others)
    assert not any(href.startswith("/school/terms/") for href, _n in demo_pages["auditor"].links)
