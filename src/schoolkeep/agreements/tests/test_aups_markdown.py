"""The Markdown subset of acceptable use policies: what it renders, and that nothing an
author types can become HTML."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from schoolkeep.agreements.aups.markdown import render_inline, render_markdown
from schoolkeep.agreements.aups.starting_texts import STARTING_TEXTS

OUR_TAGS = re.compile(r"</?(?:h2|h3|p|ul|ol|li|strong|em)>|<br>|<ol start=\"\d+\">")


def test_headings_paragraphs_and_lists() -> None:
    html = render_markdown("# Title\n\n## Part\n\nOne line\nnext line\n\n- a\n- b\n\n1. x\n2. y")
    assert html == ("<h2>Title</h2>\n<h3>Part</h3>\n<p>One line<br>\nnext line</p>\n"
                    "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>x</li>\n<li>y</li>\n</ol>")


def test_heading_level_can_start_lower() -> None:
    assert render_markdown("# A\n\n## B", heading_level=3) == "<h3>A</h3>\n<h4>B</h4>"


def test_a_first_heading_repeating_the_page_title_is_left_out() -> None:
    """The kiosk and signing pages show the policy's title as their h1: the text's own first
    heading of the same words (as every starting text has) is not shown again below it."""
    text = STARTING_TEXTS["visitors"]
    html = render_markdown(text, page_title="Acceptable use policy  for VISITORS")
    assert "Acceptable use policy for visitors" not in html and html.startswith("<p>")
    assert html == render_markdown(text.split("\n", 1)[1])
    # A heading of other words, or one after the text has begun, stays.
    assert render_markdown("# Using our Wi-Fi\n\nText", page_title="Visitors' AUP") == (
        "<h2>Using our Wi-Fi</h2>\n<p>Text</p>")
    assert render_markdown("Intro\n\n# Visitors\n\nText", page_title="Visitors") == (
        "<p>Intro</p>\n<h2>Visitors</h2>\n<p>Text</p>")
    assert render_markdown("\n\n## Visitors\nText", page_title="visitors") == "<p>Text</p>"


def test_bold_and_italic_inside_a_line() -> None:
    assert render_inline("a **bold *and* strong** and *it*") == (
        "a <strong>bold <em>and</em> strong</strong> and <em>it</em>")


def test_lone_or_spaced_stars_stay_text() -> None:
    assert render_inline("5 * 3 * 2 and ** not bold **") == "5 * 3 * 2 and ** not bold **"
    assert render_inline("an *open star") == "an *open star"


def test_numbered_list_keeps_its_first_number() -> None:
    assert render_markdown("3. c\n4. d").startswith('<ol start="3">')


def test_anything_else_is_text() -> None:
    html = render_markdown("### three\n#no space\n* star bullet\n> quote\n[link](http://x)")
    assert "<h" not in html and "<ul" not in html and "<a" not in html
    assert "### three" in html and "[link](http://x)" in html


def test_hostile_html_is_escaped() -> None:
    hostile = ('<script>alert(1)</script>\n\n# <img src=x onerror=alert(1)>\n\n'
               '- **<a href="javascript:alert(1)">x</a>**\n\n'
               '*"><svg onload=alert(1)>*\n\n<!-- comment -->&amp;')
    html = render_markdown(hostile)
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<svg" not in html and "<!--" not in html
    assert "&lt;script&gt;" in html and "&amp;amp;" in html
    assert "&quot;&gt;&lt;svg onload=alert(1)&gt;" in html
    assert not OUR_TAGS.sub("", html).count("<")


def test_control_characters_and_carriage_returns_are_dropped() -> None:
    assert render_markdown("a\x00b\r\nc\x1bd") == "<p>ab<br>\ncd</p>"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>&\"'*#-1. \n\tab/=")) | st.characters(),
               max_size=300))
def test_no_text_can_produce_a_tag_of_its_own(text: str) -> None:
    html = render_markdown(text)
    assert "<" not in OUR_TAGS.sub("", html)
    assert ">" not in OUR_TAGS.sub("", html)


def test_long_hostile_text_renders_to_bounded_escaped_output() -> None:
    # Openers with no closers, long runs of stars and hashes: the scanner is single-pass
    # (no regular expression that could backtrack), and the output stays proportional.
    texts = ["*a " * 16_000, "**a " * 12_000, "*" * 50_000, "# " + "*x" * 24_000,
             "- " * 25_000, "1. " * 16_000]
    for text in texts:
        html = render_markdown(text)
        assert len(html) < 12 * len(text), text[:10]
        assert "<script" not in html


def test_every_starting_text_renders_with_a_heading_and_a_list() -> None:
    for audience, text in STARTING_TEXTS.items():
        html = render_markdown(text)
        assert html.startswith("<h2>Acceptable use policy for"), audience
        assert "<ul>" in html, audience
        assert "password" in html.lower(), audience
