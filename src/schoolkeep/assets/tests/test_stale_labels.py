"""Two managers changing one access label at once (issue 12, finding 5): the label's form
carries its version, and the second save is refused naming who saved first."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.fixtures import own_browser
from tests.personas import Personas

from schoolkeep.assets import services
from schoolkeep.assets.models import AccessLabel
from schoolkeep.lib.errors import StaleVersion
from schoolkeep.tenancy.models import Membership

pytestmark = pytest.mark.django_db




def test_a_label_opened_at_once_is_not_overwritten(personas: Personas) -> None:
    label = AccessLabel.objects.create(school=personas.school, label="Head", label_key="head")
    url = reverse("assets:label-edit", args=[label.public_id])
    siro, dpo = own_browser(personas.siro), own_browser(personas.dpo)
    opened = {name: str(client.get(url).context["form"]["version"].value())
              for name, client in (("siro", siro), ("dpo", dpo))}
    dsl = Membership.objects.get(user=personas.dsl, school=personas.school)
    assert siro.post(url, {"version": opened["siro"], "label_text": "Headteacher",
                           "members": [str(dsl.public_id)]}).status_code == 302
    response = dpo.post(url, {"version": opened["dpo"], "label_text": "Head",
                              "members": []})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this label" in html and str(personas.siro) in html
    label.refresh_from_db()
    assert label.label == "Headteacher" and list(label.members.all()) == [dsl]
    assert label.version == 2


def test_the_service_compares_the_version(personas: Personas) -> None:
    label = AccessLabel.objects.create(school=personas.school, label="Head", label_key="head")
    services.label_update(label=label, actor=personas.siro, label_text="Headteacher",
                          members=[], version=1)
    with pytest.raises(StaleVersion):
        services.label_update(label=label, actor=personas.siro, label_text="Head",
                              members=[], version=1)
