"""Controls, frameworks and attestations made in the state helper's tests (the built-in
catalogue is data loaded by a migration; these tests make their own rows so that each rule
is seen on rows whose every field the test chose)."""

from __future__ import annotations

from datetime import date
from itertools import count

from schoolkeep.compliance.models import Attestation, Control, Framework, Requirement

_codes = count(1)


def computed(code: str = "", *, measures: list[str] | None = None,
             duty_kinds: list[str] | None = None, when_empty: str = "not_assessed",
             owner_role: str = "siro", school=None) -> Control:
    return Control.objects.create(
        code=code or f"test-computed-{next(_codes)}", kind=Control.Kind.COMPUTED,
        title=f"Computed {code}", measures=measures or [], duty_kinds=duty_kinds or [],
        when_empty=when_empty, owner_role=owner_role, school=school)


def attested(code: str = "", *, cadence: str = "termly", every_days: int | None = None,
             owner_role: str = "siro", school=None) -> Control:
    return Control.objects.create(
        code=code or f"test-attested-{next(_codes)}", kind=Control.Kind.ATTESTED,
        title=f"Attested {code}", cadence=cadence, every_days=every_days,
        owner_role=owner_role, school=school)


def attest(school, control: Control, on: date, outcome: str = "done") -> Attestation:
    return Attestation.objects.create(school=school, control=control, attested_on=on,
                                      outcome=outcome, attested_by_label="Test",
                                      note="" if outcome == "done" else "Found open")


def framework(code: str = "test-fw", *, version: str = "1", order: int = 1,
              requirements: list[list[Control]] | None = None) -> Framework:
    row = Framework.objects.create(code=code, version=version, title=f"Framework {code}",
                                   short_title=code, publisher="Test", order=order)
    for number, controls in enumerate(requirements or [], start=1):
        requirement = Requirement.objects.create(framework=row, code=f"{code}.r{number}",
                                                 order=number, title=f"Requirement {number}")
        requirement.controls.set(controls)
    return row
