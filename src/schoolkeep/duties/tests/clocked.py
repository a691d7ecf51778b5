"""For tests of the dashboard's legal clocks with the real incidents provider: the provider
with each ICO decision marked as a running legal clock (``Duty.legal_clock``), as the
incidents module is to mark it itself. Once it does, ``clocked_incidents`` changes nothing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any

from schoolkeep.duties import registry
from schoolkeep.duties.types import Duty, DutyCounts, DutyProvider

ICO_DECISION = "incidents.ico-decision:"


class ClockedIncidents:
    """The incidents provider, its ICO decisions marked ``legal_clock``."""

    def __init__(self, real: DutyProvider) -> None:
        self.real = real
        self.module = real.module
        self.label = real.label
        self.view_permission: Any = getattr(real, "view_permission", "school.view")
        self.kind_labels: Any = getattr(real, "kind_labels", {})

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        return self.real.counts(school_ids, now=now, horizon=horizon)

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        return [replace(duty, legal_clock=True) if duty.key.startswith(ICO_DECISION) else duty
                for duty in self.real.for_school(school_id, now=now, horizon=horizon)]


@contextmanager
def clocked_incidents() -> Iterator[None]:
    """The registered providers, the incidents one marking its ICO decisions as clocks."""
    chosen = [ClockedIncidents(p) if p.module == "incidents" else p
              for p in registry.providers()]
    with registry.only(*chosen):
        yield
