"""What the handling part registers when Django starts: its audit labels, and the requests
hidden from a member, whose events the audit trail then leaves out for them."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.audit.concealment import register_concealment
    from schoolkeep.inforequests.handling import selectors, services

    register_action_labels(services.ACTION_LABELS)
    register_concealment("inforequests.request", selectors.requests_hidden_from)
