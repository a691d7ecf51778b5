"""When two names of the register are probably one thing: "Attendance" and "Attendance
records", the groups "Pupil data (MIS)" and "Pupil records (MIS)".

Each asset and group keeps a ``match_key`` worked out from its name by ``match_key``: its
words lower-cased, without accents or punctuation, plurals made singular ("invoices" and
"invoice"), the words that only say "this is data" dropped ("records", "data",
"information", "files", "the", "of"...), each word once, in alphabetical order. Two names
with the same key look alike. The key is stored and indexed (school, match_key), so that an
import finds the look-alikes of a batch of rows with one indexed query, however large the
register, rather than comparing every row with every asset.

Only equal keys look alike: "Purchase orders" and "Orders" do not, so that a short name
is not offered as the match of every longer one. A name made only of such words ("Data",
"Records") keeps them, so that it still has a key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Words that say only that something is data, or join words: "Attendance records" is
# "Attendance". Compared after the plural is made singular.
STOP_WORDS = frozenset({
    "a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with",
    "data", "datum", "detail", "file", "info", "information", "list", "log", "record",
    "register", "set",
})
_NOT_WORD = re.compile(r"[^0-9a-z]+")
MAX_LENGTH = 300  # the stored key's length (an asset's name's)


@lru_cache(maxsize=4096)  # a register's words repeat ("pupil", "records"): bounded
def _singular(word: str) -> str:
    """A plural made singular by the common English endings (a few odd words differ, which
    at worst misses a look-alike)."""
    if len(word) <= 3:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(name: str) -> list[str]:
    text = name.casefold()
    if not text.isascii():  # most names are: no accents to take off
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("'", "").replace("\u2019", "").replace("&", " and ")  # staff's: staffs
    return [_singular(word) for word in _NOT_WORD.split(text) if word]


def match_key(name: str) -> str:
    """The name's key: equal keys look alike ("" for a name without any letter or digit)."""
    words = _words(name)
    kept = [word for word in words if word not in STOP_WORDS] or words
    return " ".join(sorted(set(kept)))[:MAX_LENGTH]
