"""Who did something, as the audit trail shows it.

An event stores its member actor's id (the row's label reads "sealed"): the name shown is
the member's name now, kept sealed under their key, not their name when the event happened,
and "erased" once they are forgotten. Work done with nobody signed in keeps a short code
such as ``cli:root``, ``system`` or ``signing link`` (a link's or kiosk's person's name,
when the event is about someone, is sealed with the event's values). The pages and the
export show those codes in words; the export keeps the code beside them.
"""

from __future__ import annotations

SCHEDULED = "Schoolkeep (scheduled)"
# Stored labels of work nobody signed in did, written by the audit context of each kind.
_NAMED = {
    "system": SCHEDULED,
    "scheduler": SCHEDULED,
    "": SCHEDULED,
    "anonymous": "Someone not signed in",
    # A link's or kiosk's kind, its person's name sealed with the event (or gone).
    "signing link": "Someone, through a signing link",
    "personal link": "Someone, through a personal link",
    "kiosk": "The signing kiosk",
}
_PREFIXES = (
    ("cli:", "Schoolkeep command line ({})"),
    ("kiosk: ", "The signing kiosk opened by {}"),
    ("signing link: ", "{}, through a signing link"),
    ("personal link: ", "{}, through a personal link"),
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
