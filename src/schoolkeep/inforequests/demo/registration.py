"""What the demo part registers when Django starts: the demo step that gives Larkspur its
requests (order 520: after the people, the asset register and the incidents it stands
beside; before compliance (900), whose governor pack counts them)."""

from __future__ import annotations

DEMO_ORDER = 520


def register() -> None:
    from schoolkeep.demo.builder import register_step
    from schoolkeep.inforequests.demo.build import build_demo_requests

    register_step("requests", build_demo_requests, order=DEMO_ORDER)
