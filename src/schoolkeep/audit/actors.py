"""Who did something, as the audit trail shows it.

An event stores how its actor was named when it happened (a hashed field, never changed):
a member's name, or for work done with nobody signed in a short code such as ``cli:root``,
``system`` or ``kiosk: Ann Lee``. The pages and the export show those codes in words; the
export keeps the stored text beside them.
"""

from __future__ import annotations

SCHEDULED = "Schoolkeep (scheduled)"
# Stored labels of work nobody signed in did, written by the audit context of each kind.
_NAMED = {
    "system": SCHEDULED,
    "scheduler": SCHEDULED,
    "": SCHEDULED,
    "anonymous": "Someone not signed in",
}
_PREFIXES = (
    ("cli:", "Schoolkeep command line ({})"),
    ("kiosk: ", "The signing kiosk opened by {}"),
    ("signing link: ", "{}, through a signing link"),
)


def actor_name(label: str) -> str:
    """A stored actor label in words: "cli:root" -> "Schoolkeep command line (root)",
    "system" -> "Schoolkeep (scheduled)"; a member's name as it is."""
    text = (label or "").strip()
    if text in _NAMED:
        return _NAMED[text]
    for prefix, words in _PREFIXES:
        if text.startswith(prefix):
            rest = text[len(prefix):].strip()
            if prefix == "cli:" and rest in ("", "unknown"):
                return "Schoolkeep command line"
            return words.format(actor_name(rest) if rest else "someone")
    return text
