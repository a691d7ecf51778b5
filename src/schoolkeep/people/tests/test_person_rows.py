"""The people list read as values (selectors.person_list_page) and written in Python
(templatetags/person_rows) shows what the models through the old row template showed: the
same people in the same order, under every filter, on every page, with the same markup."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from tests.assertions import squeezed_html

from schoolkeep.lib.links import url_for_each
from schoolkeep.people import selectors, services
from schoolkeep.people.templatetags.person_rows import person_rows
from schoolkeep.tenancy.services import site_create

# A row as person_list.html wrote it from a Person model before person_rows (each cell with
# its column's heading as data-label, for narrow screens).
TEMPLATE_ROW = Template(
    "{% for person in people %}<tr>\n"
    '<th scope="row"><a href="{% url \'people:person-detail\' person.public_id %}">'
    "{{ person.display_name }}</a>{% if person.preferred_name and person.preferred_name != "
    'person.full_name %}<br><span class="secondary-text">{{ person.full_name }}</span>'
    "{% endif %}</th>\n"
    '<td data-label="Kind">{{ person.get_kind_display }}</td>\n'
    '<td data-label="Job title or role">{{ person.job_title }}</td>\n'
    '<td data-label="Sites">{% for site in person.sites.all %}{{ site.name }}'
    '{% if not forloop.last %}, {% endif %}{% endfor %}</td>\n'
    '{% if details %}<td data-label="Staff number">{{ person.staff_number }}</td>'
    '<td data-label="Started">{{ person.start_date|date:"j M Y" }}</td>'
    '{% if leavers %}<td data-label="Left">{{ person.leaving_date|date:"j M Y" }}</td>'
    '{% endif %}{% endif %}\n'
    "</tr>{% endfor %}")


def _parsed(html: str) -> list[tuple[str, ...]]:
    """Markup as its tags (attributes in any order) and text, whitespace aside."""
    found: list[tuple[str, ...]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, *sorted(f"{k}={v}" for k, v in attrs)))

        def handle_endtag(self, tag):
            found.append(("/" + tag,))

        def handle_data(self, data):
            if data.strip():
                found.append((" ".join(data.split()),))

    Parser().feed(html)
    return found


@pytest.fixture
def school(personas):
    school = personas.school
    north = site_create(school=school, name="North <annexe>")
    south = site_create(school=school, name="Annexe & South")
    for n in range(13):
        someone = services.person_create(
            school=school, actor=None, full_name=f"Person {n:02d} <b>O'Brien</b>",
            preferred_name=("Pat & Co" if n % 4 == 0 else f"Person {n:02d} <b>O'Brien</b>"
                            if n % 4 == 1 else ""),
            kind=["teaching", "support", "governor"][n % 3],
            job_title="Head of <maths>" if n % 2 else "", staff_number=f"S{n}" if n % 3 else "",
            start_date=date(2020, 1 + n % 12, 1 + n) if n % 5 else None,
            sites=[[], [north], [south], [north, south]][n % 4])
        if n % 6 == 5:
            services.person_mark_leaver(person=someone, actor=None,
                                        leaving_date=date(2024, 7, 19))
    return school


FILTERS = [{}, {"kind": "teaching"}, {"search": "o'brien"}, {"search": "maths"},
           {"status": selectors.LEAVERS}, {"status": selectors.ALL}, {"search": "S4"},
           {"search": "S4", "search_details": False}]


@pytest.mark.parametrize("filters", FILTERS)
def test_pages_equal_the_models_with_the_same_markup(school, filters):
    people = list(selectors.person_list(school=school, **filters))
    leavers = filters.get("status") == selectors.LEAVERS
    shown = []
    for number in Paginator(people, 5).page_range:
        page = selectors.person_list_page(school=school, page=number, per_page=5, **filters)
        expected = Paginator(people, 5).get_page(number)
        assert page.number == expected.number
        assert page.paginator.count == len(people)
        assert [row.pk for row in page.object_list] == [p.pk for p in expected.object_list]
        for details in (False, True):
            old = TEMPLATE_ROW.render(Context({"people": expected.object_list,
                                               "details": details, "leavers": leavers}))
            new = person_rows(page.object_list, details, leavers,
                              url_for_each("people:person-detail"))
            assert squeezed_html(new) == squeezed_html(old)
            assert "<b>" not in new and "<maths>" not in new and "<annexe>" not in new
        shown += [row.pk for row in page.object_list]
    assert shown == [p.pk for p in people]


def test_a_site_filter_and_an_empty_page(school):
    site = school.sites.get(name="Annexe & South")
    page = selectors.person_list_page(school=school, site=site)
    assert [row.full_name for row in page.object_list] == [
        p.full_name for p in selectors.person_list(school=school, site=site)]
    assert all("Annexe & South" in row.sites for row in page.object_list)
    nobody = selectors.person_list_page(school=school, search="nobody by this name")
    assert list(nobody.object_list) == [] and nobody.paginator.count == 0


@pytest.mark.parametrize("data", [None, {"kind": "governor", "status": "leavers", "q": "a"},
                                  {"kind": "nonsense", "site": "999"}])
def test_filter_forms_show_what_djangos_select_showed(school, data):
    from django import forms as django_forms

    from schoolkeep.people.forms import PersonFilterForm
    from schoolkeep.people.record.forms import RecordFilterForm

    sites = list(school.sites.order_by("name"))
    if data and "site" not in data:
        data = {**data, "site": str(sites[0].pk)}
    for make in (lambda: PersonFilterForm(data, sites=sites, details=True),
                 lambda: RecordFilterForm(data, sites=sites)):
        plain, django_select = make(), make()
        for field in django_select.fields.values():
            if isinstance(field, django_forms.ChoiceField):
                field.widget = django_forms.Select(choices=field.choices)
        assert _parsed(str(plain)) == _parsed(str(django_select))
        assert str(plain).count("<select") == len(
            [f for f in plain.fields.values() if isinstance(f, django_forms.ChoiceField)])


def test_the_list_links_a_member_to_their_own_record(personas, login):
    from django.urls import reverse

    someone = services.person_create(school=personas.school, actor=None, full_name="Sam Staff",
                                     kind="support")
    url = reverse("people:person-list")
    assert selectors.own_person_id(school=personas.school, user=personas.staff) is None
    assert "Your own record" not in login(personas.staff).get(url).content.decode()
    services.person_link_account(person=someone, actor=personas.hr_admin, user=personas.staff)
    own = selectors.own_person_id(school=personas.school, user=personas.staff)
    assert own == selectors.person_for_user(school=personas.school,
                                            user=personas.staff).public_id
    html = login(personas.staff).get(url).content.decode()
    assert (f'href="{reverse("people:person-detail", args=[own])}">Your own record</a>'
            in html)
