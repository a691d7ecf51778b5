from datetime import date

from django.urls import reverse

from schoolkeep.people.models import PersonKind
from schoolkeep.people.services import person_create


def test_dpo_does_not_see_others_record_duties_but_hr_and_siro_do(personas, login):
    person_create(school=personas.school, actor=personas.siro, full_name="Unchecked Teacher",
                  kind=PersonKind.TEACHING, staff_number="T9", start_date=date(2024, 9, 1),
                  # Off the network: no training duty (the DPO reads those), only the SCR's.
                  uses_school_network=False)
    dpo_page = login(personas.dpo).get(reverse("duties:dashboard")).content.decode()
    assert "Unchecked Teacher" not in dpo_page
    siro_page = login(personas.siro).get(reverse("duties:dashboard")).content.decode()
    assert "Unchecked Teacher" in siro_page
