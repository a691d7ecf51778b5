"""The systems list's rows written in Python (templatetags/system_rows) are the markup the
list's template wrote: archived or not, with and without a supplier and administrators,
each two-factor and log-off tag, names that need escaping."""

from __future__ import annotations

from datetime import timedelta

from django.template import Context, Template
from django.utils import timezone
from tests.assertions import squeezed_html
from tests.personas import Personas

from schoolkeep.systems import selectors, services, status
from schoolkeep.systems.templatetags.system_rows import system_rows
from schoolkeep.systems.tests.records import make_person, make_system

# The rows as system_list.html wrote them before system_rows, with the two protections moved
# beside the name and each cell's column heading as its data-label (for narrow screens).
TEMPLATE_ROWS = Template(
    "{% for url, system, mfa, logoff in rows %}<tr>\n"
    '<th scope="row"><a href="{{ url }}">{{ system.name }}</a>{% if system.archived_at %} '
    '<strong class="tag tag-grey">Archived</strong>{% endif %}</th>\n'
    '<td data-label="Two-factor"><strong class="tag tag-{{ mfa.colour }}">{{ mfa.text }}'
    "</strong></td>\n"
    '<td data-label="Automatic log-off"><strong class="tag tag-{{ logoff.colour }}">'
    "{{ logoff.text }}</strong></td>\n"
    '<td data-label="Kind">{{ system.get_kind_display }}</td>\n'
    '<td data-label="Supplier">{{ system.supplier|default:"Not recorded" }}</td>\n'
    '<td data-label="Administrators">{% for person in system.administrators.all %}'
    "{{ person.full_name }}{% if not forloop.last %}, {% endif %}{% empty %}None recorded"
    "{% endfor %}</td>\n"
    '<td data-label="Assets held">{{ system.asset_count }}</td>\n'
    "</tr>{% endfor %}")


def test_rows_are_the_markup_the_template_wrote(personas: Personas) -> None:
    ada, bo = make_person(personas.school, "Ada <Admin>"), make_person(personas.school, "Bo O'Neil")
    today = timezone.localdate()
    make_system(personas, name="Arbor & Co", supplier='"Arbor" <Education>', mfa_enabled=True,
                administrators=[ada, bo], auto_logoff_minutes=1, auto_logoff_checked_on=today)
    make_system(personas, name="CPOMS", mfa_required=True, auto_logoff_minutes=15,
                auto_logoff_checked_on=today - timedelta(days=400))
    make_system(personas, name="Website", auto_logoff_minutes=5, administrators=[bo])
    gone = make_system(personas, name="Old MIS", kind="mis")
    services.system_archive(system=gone, actor=personas.it_lead)
    systems = list(selectors.system_list(school=personas.school, include_archived=True))
    assert len(systems) == 4 and any(system.archived_at for system in systems)
    rows = [(f"/systems/{system.public_id}/?a=1&b=2", system, status.mfa_tag(system),
             status.logoff_tag(system, today)) for system in systems]
    expected = TEMPLATE_ROWS.render(Context({"rows": rows}))
    written = system_rows(rows)
    assert squeezed_html(written) == squeezed_html(expected)
    assert "<Admin>" not in written and "<Education>" not in written
    assert written.count("<tr>") == 4
