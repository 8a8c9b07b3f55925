"""Properties that hold for any input: no crash, bounded scores, offsets that point home."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.lexicon import load_lexicons
from feeds.score import score_article, sentences
from feeds.score.segment import _split_ascii, _split_paragraph
from feeds.text import collapse

LEX = load_lexicons()

# Lexicon words, Khmer, punctuation, controls, invisible characters and lone surrogates,
# mixed so that phrases, exclusions and boundaries are hit often.
FRAGMENTS = [
    "Hun Sen",
    "Samdech Techo",
    "Sam Rainsy Party",
    "Kem Sokha",
    "Sokha",
    "US",
    "U.S.",
    "US$",
    "CPP",
    "arrested",
    "house arrest",
    "cardiac arrest",
    "crack-down",
    "trade war",
    "Phnom Penh",
    "Cambodia",
    "in absentia",
    "Mr.",
    "H.E.",
    "ចាប់ខ្លួន",
    "ហ៊ុន សែន",
    "សម្តេចតេជោ",
    "បណ្ដេញចេញ",
    "។",
    "៕",
    "្",
    "ា",
    ". ",
    "? ",
    "! ",
    "\n",
    "\n\n",
    " ",
    "\t",
    "-",
    "'",
    "\u2019",
    '"',
    "(",
    ")",
    "\x00",
    "\x07",
    "\u200b",
    "\u00ad",
    "\ufeff",
    "\ud800",
    "\u2028",
    "é",
    "İ",
    "ß",
    "Ｆ",
    "\u212a",
    "🙂",
    "…",
    "$",
    "the",
    "of",
]
texty = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=80).map(
    "".join
)
anything = st.one_of(texty, st.text(max_size=300))
languages = st.sampled_from([None, "en", "km", "en-US", "fr", "", "x"])

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(title: str, text: str, language, always: bool = False) -> None:
    score = score_article(title, text, LEX, language=language, always_relevant=always)
    sents = sentences(title, text)
    assert score.sentence_count == len(sents)
    assert 0.0 <= score.risk_score <= 100.0
    for value in (score.sentiment, score.sentiment_pos, score.sentiment_neg, score.sentiment_neu):
        assert value is None or -1.0 <= value <= 1.0
    assert (score.sentiment is None) == (score.language != "en" or not sents)
    for m in score.term_matches:
        sentence = sents[m.sentence_index]
        assert 0 <= m.start < m.end <= len(sentence)
        assert sentence[m.start : m.end] == m.matched
        assert m.category in LEX.categories
    for m in score.actor_mentions:
        sentence = sents[m.sentence_index]
        assert 0 <= m.start < m.end <= len(sentence)
        assert sentence[m.start : m.end] == m.alias
        assert m.sentiment is None or -1.0 <= m.sentiment <= 1.0
    assert all(p > 0 for p in score.category_points.values())
    assert score.relevant == bool(score.relevance_terms)
    for n in score.unlisted_names:
        assert n.mentions >= 1 and n.name in n.example


@SETTINGS
@given(title=anything, text=anything, language=languages, always=st.booleans())
def test_any_text_scores_within_bounds(title, text, language, always):
    check(title, text, language, always)


@settings(max_examples=5, deadline=None)
@given(st.sampled_from(FRAGMENTS), st.integers(min_value=20_000, max_value=60_000))
def test_huge_texts(fragment, times):
    check("", (fragment + " ") * (times // (len(fragment) + 1)), "en")


def test_huge_unbroken_text():
    check("x" * 50_000, "y" * 200_000 + "Hun Sen" + "។" * 1000, None)


@SETTINGS
@given(title=anything, text=anything)
def test_sentences_are_deterministic_and_clean(title, text):
    first = sentences(title, text)
    assert first == sentences(title, text)
    for s in first:
        assert s and s == s.strip() and "\n" not in s
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in s)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="aAbBxZ5 .!?\"')]no-", max_size=60))
def test_ascii_splitter_agrees_with_the_general_one(text):
    para = collapse(text)
    if para:
        assert _split_ascii(para) == _split_paragraph(para)


@pytest.mark.parametrize("language", ["en", None])
def test_scoring_is_deterministic(language):
    text = "Police arrested Kem Sokha. Sokha denied treason in Phnom Penh."
    assert score_article("T", text, LEX, language=language) == score_article(
        "T", text, LEX, language=language
    )
