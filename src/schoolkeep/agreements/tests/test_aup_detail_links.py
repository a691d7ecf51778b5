"""An acceptable use policy's page offers only what the viewer may open: the auditor and the
trust administrator read who has signed, but sending reminders and printing letters are for
those who manage the policies (review of issue 14, item 10)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.agreements.aups.models import Audience
from schoolkeep.agreements.tests.test_aups_views import detail, published

Login = Callable[[User], Client]
HREF = re.compile(r'href="(/[^"#]*)')


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_every_link_on_the_page_opens_for_each_reader(personas: Personas,
                                                      login: Login) -> None:
    aup = published(personas.school, personas.siro, Audience.STAFF)
    for who in ("siro", "business_manager", "auditor", "trust_admin"):
        client = login(personas.users[who])
        response = client.get(detail(aup))
        assert response.status_code == 200, who
        main = _main(response.content.decode())
        links = set(HREF.findall(main))
        assert links, who
        for href in links:
            assert client.get(href.replace("&amp;", "&")).status_code == 200, (who, href)
        manages = who in ("siro", "business_manager")
        assert ("Send signing links and reminders" in main) is manages, who
        assert ("Print signing letters" in main) is manages, who
