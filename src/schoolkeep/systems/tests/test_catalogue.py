"""The catalogue: every service the policy names is there, each described by what the
policy says of it, and the names the asset import treats as outside organisations."""

from __future__ import annotations

import pytest
from tests.seed import SEED_POLICY

from schoolkeep.systems.catalogue import (
    BY_KEY,
    CATALOGUE,
    catalogue_entry,
    is_catalogue_supplier,
    supplier_names,
    transfer_channel_entries,
)
from schoolkeep.systems.models import System

POLICY_NAMES = {"SIMS", "FMS", "USO", "USO-FX2", "CPOMS", "RAV3", "RDP", "Freedom2Roam",
                "Egress", "DfE S2S", "AnyComms", "AutoUpdate", "JKCloud", "RedStor"}

SEED = SEED_POLICY

# A phrase of each description that the policy itself says of the service.
POLICY_PHRASES = {
    "sims": "School Information Management System",
    "fms": "Financial Management System",
    "uso": "every 90 days",
    "uso-fx2": "references",
    "cpoms": "Child Protection Online Management System",
    "rav3": "remote access solution",
    "rdp": "Remote Desktop Protocol",
    "freedom2roam": "remote access platform",
    "egress": "sensitive or confidential data files",
    "dfe-s2s": "CTF pupil data files to other schools",
    "anycomms": "CTF admissions data",
    "autoupdate": "broadband services",
    "jkcloud": "high security data centres",
    "redstor": "secure remote back-up",
    "secure-email": "initials",
}
# Entries the policy describes without naming them as a service.
UNNAMED = {"Secure e-mail"}


def policy_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_every_service_the_policy_names_is_in_the_catalogue() -> None:
    assert {entry.name for entry in CATALOGUE} == POLICY_NAMES | UNNAMED
    assert len(BY_KEY) == len(CATALOGUE) == len(POLICY_NAMES | UNNAMED)


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda entry: entry.key)
def test_each_entry_is_described_and_of_a_real_kind(entry) -> None:
    assert entry.description.strip()
    assert entry.kind in System.Kind.values
    assert catalogue_entry(entry.key) is entry
    assert POLICY_PHRASES[entry.key].lower() in entry.description.lower()


def test_s2s_is_the_dfe_site_for_ctf_files() -> None:
    s2s = BY_KEY["dfe-s2s"]
    assert s2s.supplier == "DfE"
    assert s2s.kind == System.Kind.FILE_TRANSFER
    assert "DfE's site" in s2s.description and "CTF" in s2s.description


def test_two_factor_only_where_the_policy_says_so() -> None:
    assert {entry.key for entry in CATALOGUE if entry.mfa_required} == {"cpoms", "freedom2roam"}


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda entry: entry.key)
def test_descriptions_names_and_suppliers_come_from_the_policy(entry) -> None:
    text = policy_text()
    assert entry.name in text or entry.name in UNNAMED
    assert POLICY_PHRASES[entry.key].lower() in text.lower()
    if entry.supplier:
        assert entry.supplier in text


def test_supplier_names_include_backup_companies_and_abbreviations() -> None:
    names = supplier_names()
    assert {"RedStor", "JKCloud", "Atomwide", "DfE", "SIMS"} <= names
    assert {"London Grid for Learning (LGfL)", "London Grid for Learning", "LGfL"} <= names
    assert all(name == name.strip() and name for name in names)


def test_is_catalogue_supplier_ignores_case_and_spacing() -> None:
    assert is_catalogue_supplier("RedStor")
    assert is_catalogue_supplier("  redstor ")
    assert is_catalogue_supplier("lgfl")
    assert not is_catalogue_supplier("CCTV support company")
    assert not is_catalogue_supplier("Terence Hudson")
    assert not is_catalogue_supplier("")


def test_the_channels_the_policy_names_for_sending_data_and_secure_email() -> None:
    channels = {entry.key: entry for entry in transfer_channel_entries()}
    assert set(channels) == {"dfe-s2s", "anycomms", "egress", "uso-fx2", "autoupdate",
                             "secure-email"}
    for entry in channels.values():
        assert entry.transfer_instructions.strip()
        fields = entry.system_fields()
        assert fields["is_transfer_channel"] is True
        assert fields["transfer_instructions"] == entry.transfer_instructions
    email = channels["secure-email"]
    assert email.kind == System.Kind.MESSAGING
    assert "initials" in email.transfer_instructions  # the policy: initials, not names
    assert "emails" in policy_text()
    assert BY_KEY["sims"].system_fields()["is_transfer_channel"] is False
