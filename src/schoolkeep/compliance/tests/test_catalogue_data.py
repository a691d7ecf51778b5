"""The catalogue's data files hold together: the built-in controls are exactly the binding
ones, each names measures and duty kinds that exist, every requirement maps to controls that
exist, and the school's policy quotes the policy's own words."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from schoolkeep.compliance.catalogue import loader
from schoolkeep.duties import registry as duties_registry
from schoolkeep.overview import registry as measures_registry
from schoolkeep.tenancy.roles import Role

REPO = Path(__file__).resolve().parents[4]
SEED = REPO.parent / "shared/seed/online-security-policy.txt"

# The built-in controls every part of the app names by code (issue 18's binding list).
COMPUTED = {
    "aup-staff-signed", "aup-governors-signed", "aup-parents-signed", "scr-complete",
    "assets-owned-reviewed", "admins-dbs-two-factor", "systems-two-factor", "unique-accounts",
    "members-two-factor", "password-changes-current", "access-reviewed", "leavers-closed",
    "policies-in-date", "breaches-reported-72h", "incident-actions", "approved-channels",
    "removals-approved", "devices-encrypted", "loans-returned", "disposals-certified",
    "backups-321", "restore-tested-this-term", "recovery-plan-tested", "cyber-training",
    "housekeeping-confirmed", "schoolkeep-backup", "governor-pack-received",
    # Added after the catalogue's review: clauses about DBS checks alone, and about the
    # Online Security Policy alone.
    "admins-dbs", "online-security-policy-in-date",
}
ATTESTED = {
    "paper-locked": "termly", "server-room-locked": "termly", "tapes-locked": "termly",
    "personal-network-areas": "yearly", "shredding": "termly", "screens-locked": "termly",
    "anti-malware-firewall": "termly", "updates-applied": "termly",
    "cyber-risk-assessment": "yearly", "police-cyberalarm": "yearly",
    "supplier-security": "yearly", "remote-desktop-closed": "termly",
    "secure-configuration": "yearly",
    # Added after the catalogue's review: what the 3-2-1 rule does not look at.
    "backups-protected": "termly",
}
# Registered by the governor pack part; checked like the others once it is registered.
PACK_MEASURE = "governor_pack.received"
PACK_DUTY = "governor_pack.due"


def _controls() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name in loader.released_names():
        content = loader.read(name)
        if loader.is_controls_file(content):
            rows.extend(content["controls"])
    return rows


def _frameworks() -> list[dict[str, Any]]:
    return [content for content in map(loader.read, loader.released_names())
            if not loader.is_controls_file(content)]


def _policy() -> dict[str, Any]:
    return loader.read("school-policy-2022.json")


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_built_in_controls_are_exactly_the_binding_ones() -> None:
    rows = {row["code"]: row for row in _controls()}
    assert set(rows) == COMPUTED | set(ATTESTED)
    assert {code for code, row in rows.items() if row["kind"] == "computed"} == COMPUTED
    assert {code: row["cadence"] for code, row in rows.items()
            if row["kind"] == "attested"} == ATTESTED


def test_every_control_says_what_it_is_who_owns_it_and_for_attested_what_to_attach() -> None:
    roles = {role.value for role in Role}
    orders = [row["order"] for row in _controls()]
    assert len(set(orders)) == len(orders)
    for row in _controls():
        assert row["title"] and len(row["description"]) > 60, row["code"]
        assert row["owner_role"] in roles, row["code"]
        if row["kind"] == "attested":
            assert row["evidence_hint"], row["code"]
        else:
            assert row["when_empty"] in {"met", "not_assessed"}, row["code"]
            assert row["measures"] or row["when_empty"] == "met", row["code"]


def test_every_measure_of_a_computed_control_is_provided() -> None:
    known = {spec.key for provider in measures_registry.providers() for spec in provider.specs}
    named = {key for row in _controls() for key in row.get("measures", [])}
    waiting = set() if PACK_MEASURE in known else {PACK_MEASURE}
    assert named - known <= waiting
    assert named & known  # the registry is really read


def test_every_duty_kind_of_a_computed_control_is_known() -> None:
    named = {kind for row in _controls() for kind in row.get("duty_kinds", [])}
    waiting = set() if duties_registry.is_known_kind(PACK_DUTY) else {PACK_DUTY}
    unknown = {kind for kind in named if not duties_registry.is_known_kind(kind)}
    assert unknown <= waiting
    assert "people.check-missing" in named and duties_registry.is_known_kind("people.check-missing")


def _control(code: str) -> dict[str, Any]:
    return next(row for row in _controls() if row["code"] == code)


def _requirement(code: str) -> dict[str, Any]:
    return next(row for framework in _frameworks() for row in framework["requirements"]
                if row["code"] == code)


def test_the_signature_controls_count_no_duty_of_every_audience() -> None:
    """``aups.unsigned`` is one duty per audience (parents among them) and a control counts
    duties by kind: on the staff's control an unsigned parent would fail it."""
    for code in ("aup-staff-signed", "aup-governors-signed", "aup-parents-signed"):
        assert "aups.unsigned" not in _control(code)["duty_kinds"], code
    assert _control("aup-staff-signed")["measures"] == ["aups.signed-staff"]


def test_the_policy_review_clause_is_measured_on_the_online_security_policy() -> None:
    found = _control("online-security-policy-in-date")
    assert found["measures"] == ["policies.online-security-in-date"]
    # The register's duties are for any policy and cannot be narrowed to this one.
    assert found["duty_kinds"] == [] and found["when_empty"] == "not_assessed"
    assert found["owner_role"] == "siro"
    assert _requirement("school-policy.policy-reviewed")["controls"] == [
        "online-security-policy-in-date"]


def test_a_clause_about_dbs_checks_does_not_count_two_factor_sign_in() -> None:
    found = _control("admins-dbs")
    assert found["measures"] == ["access.administrators-dbs"]
    assert found["duty_kinds"] == ["access.admin-without-dbs"]
    servers = _requirement("school-policy.servers-locked")["controls"]
    assert servers == ["server-room-locked", "admins-dbs"]
    # The DfE's accounts standard asks for both, and keeps the control that counts both.
    assert "admins-dbs-two-factor" in _requirement("dfe-cyber.accounts-access")["controls"]


def test_the_loaned_equipment_disposal_clause_is_about_disposal_only() -> None:
    assert _requirement("school-policy.loaned-equipment-disposal")["controls"] == [
        "disposals-certified"]


def test_protected_backups_are_confirmed_as_the_3_2_1_rule_does_not_check_them() -> None:
    found = _requirement("school-policy.backups-protected-off-site")
    assert found["controls"] == ["backups-321", "backups-protected"]
    protected = _control("backups-protected")
    assert protected["kind"] == "attested"
    assert "password" in protected["title"] and "encrypted" in protected["title"]
    assert "not" in found["met_means"] and "encryption" in found["met_means"]


def test_the_3_2_1_rule_is_described_as_the_measure_checks_it() -> None:
    """Three separate devices, one off site and one offline (``continuity/rule321.py``)."""
    docs = (REPO / "docs/compliance.md").read_text(encoding="utf-8")
    description = _control("backups-321")["description"]
    for text in (description, docs):
        assert "three separate devices" in text and "one offline" in text
        assert "two kinds of storage" not in text


def test_the_rpa_training_condition_says_the_control_counts_one_governor() -> None:
    met_means = _requirement("rpa-cyber.ncsc-training")["met_means"]
    assert "counts only one governor" in met_means
    assert "Training page" in met_means and "\"The RPA's rule\"" in met_means
    # The Training page has that heading for the rule to be found under.
    status = REPO / "src/schoolkeep/training/templates/training/rules/status.html"
    assert "<h2>The RPA's rule</h2>" in status.read_text(encoding="utf-8")


def test_old_markings_are_read_as_official_and_official_sensitive() -> None:
    """The Government Security Classifications moved most Protect and Restricted material to
    OFFICIAL, with OFFICIAL-SENSITIVE for the more sensitive part."""
    marked = [row for row in _policy()["requirements"] if "Protective Marking" in row["advice"]]
    assert {row["code"] for row in marked} == {
        "school-policy.removals-encrypted", "school-policy.paper-locked-away",
        "school-policy.disposal-certified", "school-policy.loaned-equipment-disposal"}
    for row in marked:
        assert "Most material once marked Protect or Restricted is now OFFICIAL" in row["advice"]
        assert "more sensitive part of it OFFICIAL-SENSITIVE" in row["advice"]
        assert "Read them as OFFICIAL-SENSITIVE" not in row["advice"]
    docs = (REPO / "docs/compliance.md").read_text(encoding="utf-8")
    assert "read them as OFFICIAL-SENSITIVE" not in docs


def test_every_control_a_requirement_names_exists() -> None:
    codes = {row["code"] for row in _controls()}
    for framework in _frameworks():
        for requirement in framework["requirements"]:
            assert set(requirement.get("controls", [])) <= codes, requirement["code"]


def test_requirement_codes_belong_to_their_framework_and_are_unique() -> None:
    for framework in _frameworks():
        codes = [row["code"] for row in framework["requirements"]]
        assert len(set(codes)) == len(codes), framework["code"]
        assert all(code.startswith(framework["code"] + ".") for code in codes)


def test_the_released_frameworks_are_the_binding_ones_in_order() -> None:
    binding = {"school-policy": 1, "dfe-cyber": 2, "rpa-cyber": 3}
    orders = {framework["code"]: framework["order"] for framework in _frameworks()}
    assert "school-policy" in orders
    assert orders == {code: binding[code] for code in orders}


def test_the_school_policy_quotes_the_policy() -> None:
    requirements = _policy()["requirements"]
    assert len(requirements) >= 30
    seed = _words(SEED.read_text(encoding="utf-8")) if SEED.exists() else None
    for requirement in requirements:
        assert requirement["section"] and requirement["title"] and requirement["met_means"]
        for fragment in requirement["text"].split("…"):
            quote = _words(fragment)
            assert quote, requirement["code"]
            if seed is not None:
                assert quote in seed, requirement["code"]


@pytest.mark.parametrize("code, source", [
    ("school-policy.passwords-sims-fms-termly", "NCSC, Password administration"),
    ("school-policy.passwords-uso-90-days", "NCSC, Password administration"),
    ("school-policy.remote-desktop", "NCSC"),
    ("school-policy.paper-locked-away", "Government Security Classifications"),
    ("school-policy.removals-encrypted", "Government Security Classifications"),
    ("school-policy.disposal-certified", "Government Security Classifications"),
    ("school-policy.policy-reviewed", "policy register"),
])
def test_out_of_date_clauses_carry_advice_and_its_source(code: str, source: str) -> None:
    requirement = next(row for row in _policy()["requirements"] if row["code"] == code)
    assert len(requirement["advice"]) > 80
    assert source in requirement["advice_source"]


def test_clauses_nothing_evidences_have_no_controls() -> None:
    unmapped = {row["code"] for row in _policy()["requirements"] if not row["controls"]}
    assert unmapped == {"school-policy.siro-named", "school-policy.aup-visitors",
                        "school-policy.aup-copies-stored", "school-policy.pupil-initials-in-email"}


def test_nothing_in_the_data_names_a_person() -> None:
    """The seed's appendix names staff; none of it is copied into the catalogue."""
    text = json.dumps([loader.read(name) for name in loader.released_names()])
    for name in ("Hudson", "Allen", "Proctor", "Cumbers", "Julie Lamb", "Corbets Tey"):
        assert name not in text


def test_the_documentation_lists_every_built_in_control() -> None:
    docs = (REPO / "docs/compliance.md").read_text(encoding="utf-8")
    for row in _controls():
        assert f"(`{row['code']}`)" in docs, row["code"]
