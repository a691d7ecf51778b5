"""url_for_each gives, for any id, the URL reverse gives; and a template hands it to a tag
rather than calling it."""

from __future__ import annotations

import uuid

import pytest
from django.template import Context, Template
from django.urls import reverse

from schoolkeep.lib.links import url_for_each

NAMES = ["people:person-detail", "assets:asset-detail", "systems:system-detail",
         "incidents:incident-detail", "audit:event-detail"]


@pytest.mark.parametrize("name", NAMES)
def test_each_url_is_the_reversed_url(name: str) -> None:
    url = url_for_each(name)
    for public_id in (uuid.uuid4(), uuid.uuid4(), uuid.UUID(int=0)):
        assert url(public_id) == reverse(name, args=[public_id])
        assert url(str(public_id)) == reverse(name, args=[public_id])


def test_a_template_does_not_call_it() -> None:
    url = url_for_each("people:person-detail")
    rendered = Template("{% if url %}given{% endif %}").render(Context({"url": url}))
    assert rendered == "given"
