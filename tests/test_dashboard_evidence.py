"""Evidence rendering: feed text comes out inert, highlights land on the right words."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.evidence import (
    Highlight,
    build_evidence,
    escape_markdown,
    fallback_sentences,
    highlight_markdown,
    literal_code,
    locate,
    safe_url,
)

HOSTILE = "<script>alert(1)</script> Hostile <img src=x onerror=alert(2)> title"
PUNCT = r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"""
HIGHLIGHT_SYNTAX = re.compile(r":(?:red|blue|violet)-background\[|(?<!\\)\*\*|(?<!\\)\]")


CODE_SPAN = re.compile(r"(?<!\\)`(:[A-Za-z0-9_+-]+:)`")
INVISIBLE_OR_BIDI = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def unescape(md: str) -> str:
    """What CommonMark shows for escaped text: escapes resolved, code spans opened."""
    return CODE_SPAN.sub(r"\1", re.sub(r"\\([" + re.escape(PUNCT) + "])", r"\1", md))


def text_nodes(md: str) -> str:
    """The shown text outside code spans: where Streamlit looks for ":name:"."""
    return re.sub(r"\\(.)", r"\1", CODE_SPAN.sub(" ", md))


def unescaped_punctuation(md: str) -> list[str]:
    """ASCII punctuation that is not backslash-escaped (outside the code spans that
    shortcodes get): what Markdown could act on."""
    out, i = [], 0
    while i < len(md):
        if md[i] == "\\" and i + 1 < len(md) and md[i + 1] in PUNCT:
            i += 2
            continue
        code = CODE_SPAN.match(md, i)
        if code:
            i = code.end()
            continue
        if md[i] in PUNCT:
            out.append(md[i])
        i += 1
    return out


def test_script_and_img_come_out_escaped():
    md = escape_markdown(HOSTILE)
    assert "<" not in md.replace("\\<", "")
    assert ">" not in md.replace("\\>", "")
    assert unescaped_punctuation(md) == []
    assert unescape(md) == HOSTILE


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(3))",
        "![img](http://x/y.png)",
        "**bold** _it_ `code`",
        ":red[fake] :material/home: :smile:",
        "$x^2$ and $$y$$",
        "# heading",
        "1. list",
        "| a | b |",
        "&lt;script&gt; &amp;",
        "<!-- comment -->",
        "line\n\n    code block",
        "~~strike~~ ==mark==",
        "\\*already escaped\\*",
        "www.example.com https://x.org",
    ],
)
def test_markdown_and_html_syntax_is_literal(text):
    md = escape_markdown(text)
    assert unescaped_punctuation(md) == []
    assert "\n" not in md
    assert unescape(md) == " ".join(text.split())


@given(st.text(max_size=200))
def test_escape_round_trips_any_text(text):
    md = escape_markdown(text)
    assert unescaped_punctuation(md) == []
    cleaned = INVISIBLE_OR_BIDI.sub("", text)
    assert unescape(md) == " ".join(cleaned.split())
    assert not INVISIBLE_OR_BIDI.search(md)  # nothing invisible is ever added


def test_shortcodes_become_code_not_invisible_joiners():
    md = escape_markdown(":smile: at 10:30")
    assert md == "`:smile:` at 10\\:30"
    assert unescape(md) == ":smile: at 10:30"


@pytest.mark.parametrize(
    "text",
    [":+1:", ":streamlit:", ":material_home:", "a :flag-kh: b", ":100:", "x::smile::y",
     ":a:b:c:"],
)
def test_every_shortcode_is_shown_as_code(text):
    md = escape_markdown(text)
    # No ":name:" survives in the text nodes Streamlit rewrites.
    assert not re.search(r":[A-Za-z0-9_+-]+:", text_nodes(md)), md
    assert unescape(md) == text
    assert not INVISIBLE_OR_BIDI.search(md)


def test_material_icon_syntax_needs_no_code():
    """Streamlit finds ":material/home:" only by its unescaped "/" in the source."""
    md = escape_markdown(":material/home: now")
    assert md == "\\:material\\/home\\: now"
    assert ":material/" not in md


@pytest.mark.parametrize(
    "text", ["06:00", "2024-06-30 06:00 UTC", "Note: prices rose", "ratio 3:1", "a :: b",
             "postgresql://postgres:***@127.0.0.1:5432/risk"]
)
def test_colons_that_open_no_shortcode_stay_plain(text):
    """Times, labels and URLs copy exactly as shown: no invisible characters, no code."""
    md = escape_markdown(text)
    assert "`" not in md and not INVISIBLE_OR_BIDI.search(md)
    assert unescape(md) == text


@given(st.text(alphabet=st.sampled_from(list(":ab1+-/_ \u200b:")), max_size=40))
def test_no_shortcode_survives_escaping(text):
    assert not re.search(r":[A-Za-z0-9_+-]+:", text_nodes(escape_markdown(text)))


def test_zero_width_characters_cannot_hide_a_shortcode():
    md = escape_markdown(":smi\u200ble: and :\u2060heart:")
    assert md == "`:smile:` and `:heart:`"


def test_bidi_controls_are_dropped_for_display():
    assert escape_markdown("Invoice \u202egnp.exe") == "Invoice gnp\\.exe"
    assert escape_markdown("\u2066a\u2069 \u200fb\u200e \u061cc \u202ad\u202c") == "a b c d"


@pytest.mark.parametrize("text, md", [
    ("postgresql://risk:***@db:5432/risk", "`postgresql://risk:***@db:5432/risk`"),
    ("sqlite:///data/a_b*c.db", "`sqlite:///data/a_b*c.db`"),
    ("a`b", "``a`b``"),
    ("`x`", "`` `x` ``"),
    ("CAMBODIA_RISK_DB", "`CAMBODIA_RISK_DB`"),
    ("", ""),
])
def test_literal_code_shows_and_copies_the_text_exactly(text, md):
    assert literal_code(text) == md


def test_literal_code_falls_back_where_streamlit_rewrites_code():
    assert literal_code("x :material/home: y") == escape_markdown("x :material/home: y")


def test_highlights_wrap_escaped_text():
    sentence = "Police arrested two <b>people</b>; Hun Manet blamed [agitators](x)."
    hls = [
        Highlight(0, 7, 15, "term", "arrests_legal", "arrested"),
        Highlight(0, 35, 44, "actor", "Hun Manet", "Hun Manet"),
    ]
    md = highlight_markdown(sentence, hls)
    assert ":red-background[arrested]" in md
    assert ":blue-background[**Hun Manet**]" in md
    stripped = HIGHLIGHT_SYNTAX.sub("", md)
    assert unescaped_punctuation(stripped) == []
    assert unescape(stripped) == sentence


def test_highlight_inside_hostile_text_keeps_it_inert():
    start = HOSTILE.index("Hostile")
    md = highlight_markdown(HOSTILE, [Highlight(0, start, start + 7, "term", "x", "Hostile")])
    assert ":red-background[Hostile]" in md
    stripped = HIGHLIGHT_SYNTAX.sub("", md)
    assert unescaped_punctuation(stripped) == []
    assert unescape(stripped) == HOSTILE


def test_highlight_of_markup_characters_is_escaped_inside():
    sentence = "a [x] b"
    md = highlight_markdown(sentence, [Highlight(0, 2, 5, "term", "c", "[x]")])
    assert md == "a :red-background[\\[x\\]] b"


def test_overlapping_highlights_split_without_nesting():
    sentence = "Prime Minister Hun Manet spoke"
    hls = [
        Highlight(0, 15, 24, "actor", "Hun Manet", "Hun Manet"),
        Highlight(0, 0, 18, "term", "political_crisis", "Prime Minister Hun"),
    ]
    md = highlight_markdown(sentence, hls)
    assert md == (
        ":red-background[Prime Minister] :violet-background[**Hun**] "
        ":blue-background[**Manet**] spoke"
    )


def test_locate_checks_and_repairs_offsets():
    s = "The army moved troops."
    good = Highlight(0, 15, 21, "term", "security_military", "troops")
    assert locate(s, good) == good
    moved = Highlight(0, 2, 8, "term", "security_military", "troops")
    assert (locate(s, moved).start, locate(s, moved).end) == (15, 21)
    assert locate(s, Highlight(0, 0, 3, "term", "x", "tanks")) is None
    assert locate(s, Highlight(0, 40, 45, "term", "x", "")) is None


def test_build_evidence_places_matches_and_reports_the_rest():
    title = "Troops deployed near the border"
    text = "Hun Sen spoke. Nothing else happened."
    terms = pd.DataFrame(
        [
            dict(
                category="security_military",
                term="troops",
                matched="Troops",
                weight=2.0,
                sentence_index=0,
                start=0,
                end=6,
            ),
            dict(
                category="security_military",
                term="border",
                matched="border",
                weight=1.0,
                sentence_index=0,
                start=25,
                end=31,
            ),
            dict(
                category="unrest_protest",
                term="riot",
                matched="riot",
                weight=1.0,
                sentence_index=9,
                start=0,
                end=4,
            ),
        ]
    )
    mentions = [
        dict(actor="Hun Sen", alias="Hun Sen", sentence_index=1, start=0, end=7, sentiment=-0.4)
    ]
    evidence, unplaced = build_evidence(
        title,
        text,
        terms,
        mentions,
        sentences=fallback_sentences(title, text),
        sentence_sentiment=lambda s: 0.25,
    )
    assert [e.text for e in evidence] == [title, "Hun Sen spoke.", "Nothing else happened."]
    assert len(evidence[0].highlights) == 2
    assert evidence[1].sentiment == -0.4 and evidence[1].sentiment_source == "stored"
    assert evidence[2].sentiment == 0.25 and evidence[2].sentiment_source == "recomputed"
    assert [h.text for h in unplaced] == ["riot"]
    assert evidence[0].is_title


def test_build_evidence_with_the_scorers_splitter_or_fallback():
    evidence, unplaced = build_evidence("Title here", "One. Two.", [], [])
    assert evidence[0].text == "Title here"
    assert unplaced == []


def test_fallback_sentences():
    assert fallback_sentences(" T ", "A b. C d!\nE f? G") == ["T", "A b.", "C d!", "E f?", "G"]
    assert fallback_sentences("T", "") == ["T"]


@pytest.mark.parametrize(
    "url,ok",
    [
        ("https://example.org/a?b=1", True),
        ("http://x.kh/", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//evil.example/x", False),
        ("https://", False),
        ("https://a.b/\nx", False),
        (None, False),
        ("", False),
        ("vbscript:x", False),
        ("ftp://x.org/f", False),
    ],
)
def test_safe_url(url, ok):
    assert (safe_url(url) is not None) == ok


def test_term_note_names_the_rule_and_vetoed_notes_say_why():
    from dashboard.evidence import Highlight, term_note, vetoed_notes

    h = Highlight(2, 0, 6, "term", "security_military", "killed", "kill", 0.7,
                  rule="requires: soldiers; past: khmer rouge")
    note = term_note(h, "Security & military")
    assert note == "Security & military: kill (weight 0.7; requires: soldiers; past: khmer rouge)"
    plain = Highlight(2, 0, 6, "term", "arrests_legal", "arrested", "arrest", 3.0)
    assert term_note(plain, "Arrests") == "Arrests: arrest (weight 3)"
    lines = vetoed_notes(
        [{"sentence_index": 3, "term": "ban", "matched": "Ban", "category": "political_crisis",
          "rule": "proper name"}],
        lambda c: c.replace("_", " "),
    )
    assert lines == ['Sentence 3: "Ban" not counted as political crisis (proper name)']
