"""Throttle counters: how many attempts one client address has made at one throttled thing
(a school's report-a-concern page, wrong signing tokens) in the current fixed window.

A row is keyed by (throttle, page, client): ``page`` is what the limit is per (a school, for
the report-a-concern page) or empty for a limit per address alone; ``client`` is a keyed
hash of the address, never the address itself. Rows whose window has ended are deleted by
the ten-minute tick (``services.throttles_clean_up``).
"""

from __future__ import annotations

from django.db import models


class ThrottleCounter(models.Model):
    throttle = models.CharField(max_length=40)
    page = models.CharField(max_length=64, blank=True)
    client = models.CharField(max_length=64)
    hits = models.PositiveIntegerField()
    window_ends = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            # The upsert in services.throttle_hit relies on this exact key.
            models.UniqueConstraint(fields=["throttle", "page", "client"],
                                    name="throttle_counter_one_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.throttle} {self.page} {self.client[:8]}: {self.hits}"
