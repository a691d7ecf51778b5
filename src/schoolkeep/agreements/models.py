"""Acceptable use policies and their signatures, parents, and the school's policy documents.

The models live in two modules, one per half of the app; Django finds them through here.
"""

from schoolkeep.agreements.models_aups import (
    Audience,
    Aup,
    AupVersion,
    Kiosk,
    Parent,
    Reminder,
    Signature,
    SignatureRefused,
    SigningLink,
    SigningMethod,
)
from schoolkeep.agreements.models_policies import Policy, PolicyVersion

__all__ = [
    "Audience", "Aup", "AupVersion", "Kiosk", "Parent", "Policy", "PolicyVersion", "Reminder",
    "Signature", "SignatureRefused", "SigningLink", "SigningMethod",
]
