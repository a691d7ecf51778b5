"""The register's and Appendix 1's pages read their rows as values: each row says what the
asset's model says (name, group, owner, access labels in the order given, classification,
where it is held), in the list's order, filtered and paged as the models are."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.assertions import squeezed_html
from tests.personas import Personas

from schoolkeep.assets import selectors, services
from schoolkeep.assets.models import Asset, AssetGroup, OutsideOrganisation
from schoolkeep.assets.selectors import ACCESS_SEPARATOR, OwnerChoice, RegisterRow
from schoolkeep.assets.tests.test_views import asset, group, person
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_create

pytestmark = pytest.mark.django_db


def expected(item: Asset) -> RegisterRow:
    """The row as the page showed it when it rendered the model."""
    held_in = [system.name for system in item.systems.all()]
    held_in += ["paper"] if item.held_on_paper else []
    held_in += [item.held_elsewhere] if item.held_elsewhere else []
    return RegisterRow(
        public_id=item.public_id, name=item.name, group=item.group.name,
        person_owner=item.owner_person.full_name if item.owner_person else "",
        organisation_owner=item.owner_organisation.name if item.owner_organisation else "",
        unmatched_owner=item.owner_unmatched,
        access=[label.label for label in item.access_labels.all()],
        classification=item.get_classification_display(), held_in=held_in,
        url=reverse("assets:asset-detail", args=[item.public_id]))


def register(personas: Personas) -> None:
    school = personas.school
    zebra = system_create(school=school, actor=None, name="Zebra MIS")
    arbor = system_create(school=school, actor=None, name="Arbor")
    company = services.organisation_get_or_create(school=school, name="RedStor", actor=None)
    owners: list[dict[str, Any]] = [
        {"owner_person": person(personas, "Terence Hudson")},
        {"owner_organisation": company}, {"owner_unmatched": "Mrs Smith"}, {}]
    for number in range(12):
        asset(personas, f"Asset {number:02}", group=group(personas, f"Group {number % 3}"),
              access_labels=["Office", "Head", "Class teachers"][number % 3:],
              systems=[[zebra, arbor], [arbor], []][number % 3],
              held_on_paper=number % 2 == 0, held_elsewhere="Safe" if number % 5 == 0 else "",
              classification=["official", "unclassified"][number % 2], **owners[number % 4])


@pytest.mark.parametrize("filters", [{}, {"classification": "official"},
                                     {"owner": selectors.OWNER_UNMATCHED}, {"search": "Asset 1"}])
def test_each_row_says_what_the_model_says(personas: Personas,
                                           filters: dict[str, Any]) -> None:
    register(personas)
    assets = selectors.asset_list(school=personas.school, **filters)
    for number in (1, 2):
        page, rows = selectors.register_page(assets, number, 5)  # past the last: the last
        models = list(assets[(page.number - 1) * 5:page.number * 5])
        assert rows == [expected(item) for item in models]


def test_rows_keep_the_labels_in_the_order_given(personas: Personas) -> None:
    asset(personas, "Attendance", access_labels=["Office", "Head", "Class teachers"])
    _, rows = selectors.register_page(selectors.asset_list(school=personas.school), 1, 50)
    assert ACCESS_SEPARATOR.join(rows[0].access) == "Office / Head / Class teachers"


def test_an_owner_choice_filters_as_its_model(personas: Personas) -> None:
    register(personas)
    people, organisations = selectors.owner_choices(personas.school)
    assert [c.name for c in people] == ["Terence Hudson"]
    assert [c.name for c in organisations] == ["RedStor"]
    for choice in (*people, *organisations):
        assert isinstance(choice, OwnerChoice)
        model: Any = (OutsideOrganisation.objects.get(pk=choice.pk, public_id=choice.public_id)
                      if choice.is_organisation
                      else Person.objects.get(pk=choice.pk, public_id=choice.public_id))
        by_choice = selectors.asset_list(school=personas.school, owner=choice)
        by_model = selectors.asset_list(school=personas.school, owner=model)
        assert list(by_choice) == list(by_model) and by_choice.exists()



def test_owner_choices_in_one_query_are_the_owners_of_current_assets(personas: Personas) -> None:
    owners = [person(personas, name) for name in ("Zoe Young", "amy Adams", "Amy Adams", "Bo")]
    for n, owner in enumerate(owners[:3]):
        asset(personas, f"Asset {n}", owner_person=owner)
    archived = asset(personas, "Old asset", owner_person=owners[3])
    Asset.objects.filter(pk=archived.pk).update(archived_at=archived.created_at)
    for name in ("Zed Backups", "Acme CCTV"):
        organisation = OutsideOrganisation.objects.create(
            school=personas.school, name=name, name_key=name.casefold())
        asset(personas, f"Held by {name}", owner_organisation=organisation)
    OutsideOrganisation.objects.create(school=personas.school, name="Owns nothing",
                                       name_key="owns nothing")
    with CaptureQueriesContext(connection) as captured:
        people, organisations = selectors.owner_choices(personas.school)
    assert len(captured) == 1
    current = Asset.objects.filter(archived_at__isnull=True)
    assert [(c.pk, c.public_id, c.name, c.is_organisation) for c in people] == [
        (p.pk, str(p.public_id), p.full_name, False) for p in Person.objects.filter(
            school=personas.school, pk__in=current.values("owner_person"))
        .order_by("name_key", "pk")]
    assert [(c.pk, c.public_id, c.name, c.is_organisation) for c in organisations] == [
        (o.pk, str(o.public_id), o.name, True) for o in OutsideOrganisation.objects.filter(
            school=personas.school, pk__in=current.values("owner_organisation"))
        .order_by("name_key")]
    assert [c.name for c in organisations] == ["Acme CCTV", "Zed Backups"]
    assert "Bo" not in [c.name for c in people] and len(people) == 3


def test_appendix_pages_equal_the_downloads_rows(personas: Personas) -> None:
    register(personas)
    every = [(group.group.pk, group.name, row) for group in
             selectors.appendix_rows(personas.school) for row in group.rows]
    for number in (1, 2, 3):
        _, groups = selectors.appendix_page(personas.school, number, 5)
        shown = [(group.group.pk, group.name, row) for group in groups for row in group.rows]
        models = every[(number - 1) * 5:number * 5]
        assert [(pk, name, replace(row, url="")) for pk, name, row in shown] == models
        assert all(row.url == reverse("assets:asset-detail", args=[row.public_id])
                   for _, _, row in shown)
        assert all(isinstance(group.group, AssetGroup) for group in groups)


def test_the_pages_group_and_system_filters_list_as_their_models(personas: Personas,
                                                                 login: Any) -> None:
    register(personas)
    client = login(personas.staff)
    groups = list(AssetGroup.objects.filter(school=personas.school))
    systems = list(System.objects.filter(school=personas.school))
    assert [c.name for c in selectors.group_choices(personas.school)] == \
        [g.name for g in sorted(groups, key=lambda g: (g.position, g.name_key))]
    listed = 0
    for key, records in (("group", groups), ("system", systems)):
        for record in records:
            rows = client.get(reverse("assets:asset-list"),
                              {key: str(record.public_id)}).context["rows"]
            expected = selectors.asset_list(school=personas.school, **{key: record})
            assert [row.public_id for row in rows] == [a.public_id for a in expected]
            listed += len(rows)
    assert listed == 12 + 4 * 2 + 4  # each asset under its group; 4 in two systems, 4 in one



def test_the_pages_owner_filter_lists_as_its_model(personas: Personas, login: Any) -> None:
    """A chosen owner (its public id read as text) lists that owner's assets, as the model."""
    register(personas)
    client = login(personas.staff)
    owners: list[tuple[str, Any]] = [
        *(("person:", p) for p in Person.objects.filter(school=personas.school)
          .filter(owned_assets__isnull=False).distinct()),
        *(("organisation:", o) for o in OutsideOrganisation.objects.filter(
            school=personas.school))]
    assert len(owners) == 2
    for prefix, model in owners:
        response = client.get(reverse("assets:asset-list"),
                              {"owner": f"{prefix}{model.public_id}"})
        assert f'value="{prefix}{model.public_id}" selected' in response.content.decode()
        expected = selectors.asset_list(school=personas.school, owner=model)
        rows = response.context["rows"]
        assert [row.public_id for row in rows] == [a.public_id for a in expected]
        assert len(rows) == 3

# The rows as asset_list.html wrote them before register_rows_markup, with the owner moved
# beside the name and each cell's column heading as its data-label (for narrow screens).
OLD_ROWS = Template(
    "{% for asset in rows %}<tr>\n"
    '<th scope="row"><a href="{{ asset.url }}">{{ asset.name }}</a></th>\n'
    '<td data-label="Information asset owner">{% if asset.person_owner %}{{ asset.person_owner }}'
    "{% elif asset.organisation_owner %}"
    '{{ asset.organisation_owner }} <span class="secondary-text">(outside organisation)</span>'
    "{% elif asset.unmatched_owner %}{{ asset.unmatched_owner }} "
    '<strong class="tag tag-yellow">Not yet matched</strong>{% else %}'
    '<strong class="tag tag-red">No owner</strong>{% endif %}</td>\n'
    '<td data-label="Group">{{ asset.group }}</td>\n'
    '<td data-label="Who has access to enter information">{{ asset.access|join:" / " }}</td>\n'
    '<td data-label="Classification">{{ asset.classification }}</td>\n'
    '<td data-label="Held in">{{ asset.held_in|join:", " }}</td>\n'
    "</tr>{% endfor %}")


def test_rows_markup_is_what_the_template_wrote(personas: Personas) -> None:
    register(personas)
    _, rows = selectors.register_page(selectors.asset_list(school=personas.school), 1, 50)
    made = RegisterRow(public_id=rows[0].public_id, name="<Pupils> & \"data\"", group="G & H",
                       person_owner="", organisation_owner="", unmatched_owner="",
                       access=["<Head>", "Office"], classification="Official",
                       held_in=["<SIMS>", "paper"], url="/assets/1/?a=1&b=2")
    rows += [made, replace(made, person_owner="Ann <A>"),
             replace(made, organisation_owner="Red & Co"), replace(made, unmatched_owner="<X>")]
    written = selectors.register_rows_markup(rows)
    assert squeezed_html(written) == squeezed_html(OLD_ROWS.render(Context({"rows": rows})))
    assert "<Pupils>" not in written and "<Head>" not in written
    assert written.count("<tr>") == len(rows)
