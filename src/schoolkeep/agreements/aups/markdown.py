"""Our own renderer of a small Markdown subset, for the texts of acceptable use policies.

What it understands, and nothing more:
- paragraphs, separated by a blank line (a single line break stays a line break, so plain
  text reads as it was typed);
- ``# Heading`` and ``## Sub-heading``;
- ``- item`` bullet lists and ``1. item`` numbered lists;
- ``**bold**`` and ``*italic*`` inside a line.

Everything else is text: every character the author typed is escaped, so no HTML, link,
image or script can ever come through. The scanner is linear in the length of the text (no
backtracking regular expression sees the author's text), so a hostile text cannot stall it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# One sentence for the editing page.
MARKDOWN_HELP = ("Start a line with # for a heading, ## for a sub-heading, - for a bullet point "
                 "or 1. for a numbered point, leave a blank line between paragraphs, and write "
                 "**bold** or *italic*; anything else shows exactly as typed.")

# Control characters other than tab and line feed: they mean nothing in a policy's text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Anchored, bounded patterns over one line at a time: no nested quantifiers.
_HEADING = re.compile(r"(#{1,2})[ \t]+(\S.*)")
_BULLET = re.compile(r"-[ \t]+(\S.*)")
_NUMBERED = re.compile(r"(\d{1,9})\.[ \t]+(\S.*)")


def _spans(text: str, marker: str, tag: str, inner: Callable[[str], str],
           plain: Callable[[str], str]) -> str:
    """Wrap ``marker``-delimited runs of ``text`` in ``tag``. An opening marker is followed
    by a non-space, a closing one preceded by a non-space; an unmatched marker stays text."""
    out: list[str] = []
    done = 0  # everything before this index is in ``out``
    opener: int | None = None
    width = len(marker)
    at = text.find(marker)
    while at >= 0:
        before = text[at - 1] if at > 0 else " "
        after = text[at + width] if at + width < len(text) else " "
        if opener is not None and at > opener + width and not before.isspace():
            out.append(plain(text[done:opener]))
            out.append(f"<{tag}>{inner(text[opener + width:at])}</{tag}>")
            done = at + width
            opener = None
        elif not after.isspace():
            opener = at
        at = text.find(marker, at + width)
    out.append(plain(text[done:]))
    return "".join(out)


def _escaped(text: str) -> str:
    return str(escape(text))


def _italics(text: str) -> str:
    return _spans(text, "*", "em", _escaped, _escaped)


def render_inline(text: str) -> str:
    """One line's text with **bold** and *italic*, everything else escaped."""
    return _spans(text, "**", "strong", _italics, _italics)


class _Blocks:
    """Collects the blocks of a text as HTML, one line at a time."""

    def __init__(self, heading_level: int) -> None:
        self.heading_level = heading_level
        self.html: list[str] = []
        self.paragraph: list[str] = []
        self.list_tag = ""
        self.list_start = 1
        self.items: list[list[str]] = []

    def flush(self) -> None:
        if self.paragraph:
            self.html.append("<p>" + "<br>\n".join(map(render_inline, self.paragraph)) + "</p>")
            self.paragraph = []
        if self.list_tag:
            start = f' start="{self.list_start}"' if self.list_start != 1 else ""
            items = "".join("<li>" + "<br>\n".join(map(render_inline, lines)) + "</li>\n"
                            for lines in self.items)
            self.html.append(f"<{self.list_tag}{start}>\n{items}</{self.list_tag}>")
            self.list_tag, self.list_start, self.items = "", 1, []

    def heading(self, hashes: str, text: str) -> None:
        self.flush()
        level = self.heading_level + len(hashes) - 1
        self.html.append(f"<h{level}>{render_inline(text.strip())}</h{level}>")

    def item(self, tag: str, text: str, number: int = 1) -> None:
        if self.paragraph or self.list_tag != tag:
            self.flush()
            self.list_tag, self.list_start = tag, number
        self.items.append([text.strip()])

    def line(self, text: str) -> None:
        if self.list_tag:  # a line straight after a list item continues it
            self.items[-1].append(text)
        else:
            self.paragraph.append(text)


def _same_words(one: str, other: str) -> bool:
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def render_markdown(text: str, *, heading_level: int = 2, page_title: str = "") -> SafeString:
    """The text as safe HTML. ``#`` becomes ``h<heading_level>``, ``##`` the level below.
    A first line that is a heading of the same words as ``page_title`` is left out: the page
    already shows its title as its own heading, and a repeated heading is noise."""
    blocks = _Blocks(heading_level)
    cleaned = _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    lines = cleaned.split("\n")
    first = next((number for number, raw in enumerate(lines) if raw.strip()), None)
    if page_title and first is not None:
        match = _HEADING.fullmatch(lines[first].strip())
        if match and _same_words(match[2], page_title):
            del lines[first]
    for raw in lines:
        line = raw.strip()
        if not line:
            blocks.flush()
        elif match := _HEADING.fullmatch(line):
            blocks.heading(match[1], match[2])
        elif match := _BULLET.fullmatch(line):
            blocks.item("ul", match[1])
        elif match := _NUMBERED.fullmatch(line):
            blocks.item("ol", match[2], int(match[1]))
        else:
            blocks.line(line)
    blocks.flush()
    return mark_safe("\n".join(blocks.html))  # noqa: S308  # nosec B308 B703 - every piece of text was escaped
