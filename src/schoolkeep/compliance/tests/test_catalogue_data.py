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
}
ATTESTED = {
    "paper-locked": "termly", "server-room-locked": "termly", "tapes-locked": "termly",
    "personal-network-areas": "yearly", "shredding": "termly", "screens-locked": "termly",
    "anti-malware-firewall": "termly", "updates-applied": "termly",
    "cyber-risk-assessment": "yearly", "police-cyberalarm": "yearly",
    "supplier-security": "yearly", "remote-desktop-closed": "termly",
    "secure-configuration": "yearly",
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
    assert "aups.unsigned" in named and duties_registry.is_known_kind("aups.unsigned")


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
