"""What the compliance pages, the API, the governor pack and the snapshots read: each
control's state with its reasons, each requirement's state from its controls, and each
framework's counts and score. Worked out by ``state.engine``; nothing here is stored."""

from __future__ import annotations

from dataclasses import dataclass, field

from schoolkeep.compliance.models import Attestation, Control, Framework, Requirement, State
from schoolkeep.duties.cadence import DueDate
from schoolkeep.overview.types import Figure


@dataclass(frozen=True)
class Reason:
    """Why a control is less than met, in plain words, and where to put it right ("" when
    the viewer may not open that page, or there is none)."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class ControlState:
    control: Control
    state: str  # a ``State`` value
    owner_user_id: int | None  # the named owner, when an active member
    owner_role: str  # whom it falls to without one
    owner_label: str  # "Jo Bloggs", or "The IT lead (nobody named)"
    reasons: list[Reason] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)  # computed: its measures' figures
    overdue: int = 0  # computed: overdue duties of its kinds
    due_soon: int = 0  # computed: duties of its kinds due within the horizon
    last_attestation: Attestation | None = None  # attested
    next_due: DueDate | None = None  # attested: when it is next to be confirmed
    cadence_label: str = ""  # attested: "Once a term"

    @property
    def state_label(self) -> str:
        return State(self.state).label


@dataclass(frozen=True)
class RequirementState:
    requirement: Requirement  # the school's own wording when it has one
    state: str
    controls: list[ControlState]
    edited: bool = False  # the school changed the published wording
    added: bool = False  # a clause the school added

    @property
    def state_label(self) -> str:
        return State(self.state).label


def score_permille(met: int, partly: int, not_met: int, not_assessed: int) -> int:
    """The share of requirements met, partly met counting half, in thousandths (rounded
    down). "Not yet assessed" counts in the total and scores nothing, so a school that has
    assessed nothing scores 0, never 100 %."""
    total = met + partly + not_met + not_assessed
    if total <= 0:
        return 0
    return (2 * met + partly) * 1000 // (2 * total)


@dataclass(frozen=True)
class FrameworkState:
    framework: Framework
    requirements: list[RequirementState]

    def count(self, state: str) -> int:
        return sum(1 for each in self.requirements if each.state == state)

    @property
    def met(self) -> int:
        return self.count(State.MET)

    @property
    def partly(self) -> int:
        return self.count(State.PARTLY)

    @property
    def not_met(self) -> int:
        return self.count(State.NOT_MET)

    @property
    def not_assessed(self) -> int:
        return self.count(State.NOT_ASSESSED)

    @property
    def score_permille(self) -> int:
        return score_permille(self.met, self.partly, self.not_met, self.not_assessed)

    @property
    def percent(self) -> int:
        """The score as a whole percentage, rounded down (99.6 % never shows as 100 %)."""
        return self.score_permille // 10
