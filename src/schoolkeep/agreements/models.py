"""Acceptable use policies and their signatures, parents, and the school's policy documents.

Django loads the app's models from this module; they are defined in ``aups/models.py`` (the
AUPs, their versions and signatures, and the parents, links, reminders and kiosks a signature
points to) and ``policies/models.py`` (the policy register).
"""

from schoolkeep.agreements.aups.models import (
    Audience,
    Aup,
    AupVersion,
    Kiosk,
    KioskPin,
    Parent,
    Reminder,
    Signature,
    SignatureRefused,
    SigningLink,
    SigningMethod,
)
from schoolkeep.agreements.policies.models import Policy, PolicyVersion

__all__ = [
    "Audience", "Aup", "AupVersion", "Kiosk", "KioskPin", "Parent", "Policy", "PolicyVersion",
    "Reminder", "Signature", "SignatureRefused", "SigningLink", "SigningMethod",
]
