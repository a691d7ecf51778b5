"""The DfE's cyber security standards and the RPA's cyber cover conditions as built-in
frameworks: what migration 0003 loads, that it maps every standard and condition to real
controls with a plain-English "met", and that the engine reads them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone
from tests.factories import SchoolFactory

from schoolkeep.compliance.catalogue.loader import DATA, load_catalogue, unload_catalogue
from schoolkeep.compliance.models import Attestation, Control, Framework, Requirement, State
from schoolkeep.compliance.state.engine import framework_state
from schoolkeep.duties.types import local_date

pytestmark = pytest.mark.django_db

FILES = ("dfe-cyber-2024-05.json", "rpa-cyber-2022-04.json")
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"

# The DfE's seven standards as published on GOV.UK in May 2024, in its order.
DFE_STANDARDS = [
    "Conduct a cyber risk assessment annually and review every term",
    "Create and implement a cyber awareness plan for students and staff",
    "Secure digital technology and data with anti-malware and a firewall",
    "Control and secure user accounts and access privileges",
    "License digital technology and keep it up to date",
    "Develop and implement a plan to back up your data and review this every year",
    "Report cyber attacks",
]


def data(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def published(code: str) -> list[Requirement]:
    framework = Framework.objects.get(code=code, is_current=True)
    return list(Requirement.objects.filter(framework=framework, school__isnull=True)
                .prefetch_related("controls").order_by("order"))


def codes_of(requirement: Requirement) -> set[str]:
    return {control.code for control in requirement.controls.all()}


@pytest.mark.parametrize("name", FILES)
def test_the_migration_loaded_each_file_as_the_current_version(name):
    content = data(name)
    framework = Framework.objects.get(code=content["code"], is_current=True)
    assert framework.version == content["version"]
    assert name == f"{content['code']}-{content['version']}.json"
    assert framework.publisher == "Department for Education"
    assert framework.source_url.startswith("https://www.gov.uk/")
    rows = published(content["code"])
    assert [row.code for row in rows] == [row["code"] for row in content["requirements"]]
    for row, loaded in zip(content["requirements"], rows, strict=True):
        assert codes_of(loaded) == set(row["controls"]), row["code"]


def test_frameworks_come_in_the_agreed_order():
    orders = dict(Framework.objects.filter(is_current=True, code__in=["dfe-cyber", "rpa-cyber"])
                  .values_list("code", "order"))
    assert orders == {"dfe-cyber": 2, "rpa-cyber": 3}


@pytest.mark.parametrize("name", FILES)
def test_every_mapped_control_is_a_live_builtin_control(name):
    for requirement in published(data(name)["code"]):
        assert requirement.controls.exists(), f"{requirement.code} is evidenced by nothing"
        for control in requirement.controls.all():
            assert control.school_id is None and control.archived_at is None, control.code


@pytest.mark.parametrize("name", FILES)
def test_every_standard_and_condition_says_what_met_means(name):
    for requirement in published(data(name)["code"]):
        assert len(requirement.met_means) > 80, requirement.code
        # The official words are short quotes, never the guidance copied out; the RPA's
        # conditions are described, not quoted (see test_the_rpa_conditions_...).
        if requirement.code.startswith("dfe-cyber."):
            assert requirement.text and len(requirement.text) <= 200, requirement.code
        assert requirement.section and requirement.title, requirement.code
        assert bool(requirement.advice) == bool(requirement.advice_source), requirement.code


def test_the_dfe_framework_holds_its_seven_standards_quoted_and_marked_core():
    rows = published("dfe-cyber")
    assert [row.title for row in rows] == DFE_STANDARDS
    assert [row.text for row in rows] == DFE_STANDARDS
    assert all("core standard" in row.section and "2030" in row.section for row in rows)


def test_the_dfe_standards_are_evidenced_by_the_controls_that_do_it():
    mapped = {row.code: codes_of(row) for row in published("dfe-cyber")}
    assert "cyber-training" in mapped["dfe-cyber.awareness-plan"]
    assert "anti-malware-firewall" in mapped["dfe-cyber.anti-malware-firewall"]
    assert {"systems-two-factor", "admins-dbs-two-factor", "leavers-closed",
            "access-reviewed"} <= mapped["dfe-cyber.accounts-access"]
    assert "updates-applied" in mapped["dfe-cyber.licensed-up-to-date"]
    assert {"backups-321", "restore-tested-this-term"} <= mapped["dfe-cyber.backup-plan"]
    assert "breaches-reported-72h" in mapped["dfe-cyber.report-attacks"]
    # The DfE does not ask for forced password changes: that control evidences no standard.
    assert all("password-changes-current" not in codes for codes in mapped.values())


def test_the_rpa_framework_maps_training_backups_cyberalarm_and_the_response_plan():
    mapped = {row.code: codes_of(row) for row in published("rpa-cyber")}
    assert mapped == {
        "rpa-cyber.offline-backups": {"backups-321", "restore-tested-this-term"},
        "rpa-cyber.ncsc-training": {"cyber-training"},
        "rpa-cyber.police-cyberalarm": {"police-cyberalarm"},
        "rpa-cyber.response-plan": {"recovery-plan-tested"},
    }


def test_the_rpa_conditions_are_described_not_presented_as_quotes():
    """No copy of the RPA's own wording is held: nothing is shown as a quotation, the
    condition is in the title and "met means", and the advice slot (for out-of-date clauses)
    carries no research notes."""
    for requirement in published("rpa-cyber"):
        assert requirement.text == "", requirement.code
        assert requirement.met_means.startswith("The RPA asks"), requirement.code
        assert requirement.advice == "" and requirement.advice_source == "", requirement.code
    summary = Framework.objects.get(code="rpa-cyber", is_current=True).summary
    assert "not quoted" in summary and "maintained schools" in summary
    assert "academy trusts" in summary and "membership rules" in summary
    for row in data("rpa-cyber-2022-04.json")["requirements"]:
        words = json.dumps(row)
        assert "search" not in words and "PKF" not in words and "Tel Group" not in words
    assert "search" not in summary


def test_the_rpa_page_shows_no_quotation_and_no_research_note(personas, login):
    response = login(personas.siro).get(
        reverse("compliance:framework-detail", args=["rpa-cyber"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<blockquote>" not in html and "Advice:" not in html
    assert "search" not in html.lower()
    assert "The RPA asks its members to register with Police CyberAlarm." in html


def test_loading_the_files_again_changes_nothing():
    before = {(row.pk, row.code, row.version, row.updated_at) for code in ("dfe-cyber", "rpa-cyber")
              for row in published(code)}
    frameworks = set(Framework.objects.values_list("pk", "code", "version", "is_current"))
    load_catalogue(django_apps, list(FILES))
    after = {(row.pk, row.code, row.version, row.updated_at) for code in ("dfe-cyber", "rpa-cyber")
             for row in published(code)}
    assert after == before
    assert set(Framework.objects.values_list("pk", "code", "version", "is_current")) == frameworks


def test_unloading_removes_both_frameworks_and_loading_brings_them_back():
    others = set(Framework.objects.exclude(code__in=["dfe-cyber", "rpa-cyber"])
                 .values_list("pk", flat=True))
    unload_catalogue(django_apps, list(FILES))
    assert not Framework.objects.filter(code__in=["dfe-cyber", "rpa-cyber"]).exists()
    assert not Requirement.objects.filter(code__startswith="dfe-cyber.").exists()
    assert set(Framework.objects.values_list("pk", flat=True)) == others
    load_catalogue(django_apps, list(FILES))
    assert len(published("dfe-cyber")) == 7 and len(published("rpa-cyber")) == 4


def test_every_standards_file_is_loaded_by_a_migration():
    sources = "\n".join(path.read_text(encoding="utf-8") for path in MIGRATIONS.glob("0*.py"))
    for path in DATA.iterdir():
        if re.match(r"^(dfe|rpa)-cyber-.+\.json$", path.name):
            assert f'"{path.name}"' in sources, f"{path.name} is loaded by no migration"


def test_the_engine_reads_the_cyberalarm_condition_from_its_attestation():
    school = SchoolFactory()
    now = timezone.now()
    control = Control.objects.get(code="police-cyberalarm", school__isnull=True)

    def cyberalarm_state() -> str:
        state = framework_state(school, "rpa-cyber", now=now)
        assert state is not None
        by_code = {row.requirement.code: row for row in state.requirements}
        assert set(by_code) == {row.code for row in published("rpa-cyber")}
        return by_code["rpa-cyber.police-cyberalarm"].state

    assert cyberalarm_state() == State.NOT_ASSESSED
    found = Attestation.objects.create(school=school, control=control,
                                       attested_on=local_date(now),
                                       outcome=Attestation.Outcome.NOT_DONE,
                                       note="Registration lapsed", attested_by_label="SIRO")
    assert cyberalarm_state() == State.NOT_MET
    found.outcome = Attestation.Outcome.DONE
    found.save()
    assert cyberalarm_state() == State.MET
