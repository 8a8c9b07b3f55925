"""Sentence-level VADER sentiment with political-news overrides."""

from __future__ import annotations

import math

import pytest

from feeds.score import compiled, score_article, sentences
from feeds.score.sentiment import make_analyzer, summarise


@pytest.fixture(scope="module")
def analyzer(lex):
    return compiled(lex).analyzer


def test_one_analyzer_per_lexicons_with_overrides(lex, analyzer):
    assert compiled(lex).analyzer is analyzer
    assert "party" not in analyzer.lexicon  # 0 removes the word
    assert "united" not in analyzer.lexicon
    assert analyzer.lexicon["crackdown"] == lex.sentiment["crackdown"] < 0
    assert analyzer.lexicon["troops"] < 0
    assert analyzer.lexicon["free"] == 0.5
    # a fresh VADER is untouched: overrides do not leak between analyzers
    assert make_analyzer({}).lexicon["party"] > 0


def test_overrides_change_political_readings(analyzer):
    stock = make_analyzer({})
    text = "The Cambodia National Rescue Party met the United Nations."
    assert stock.polarity_scores(text)["compound"] > 0.3
    assert analyzer.polarity_scores(text)["compound"] == 0
    crackdown = "The government launched a crackdown on the opposition."
    assert stock.polarity_scores(crackdown)["compound"] > -0.05  # stock VADER: not negative
    assert analyzer.polarity_scores(crackdown)["compound"] < -0.3


def test_article_sentiment_is_the_mean_of_sentences(lex, analyzer):
    title = "Hun Manet opens a new bridge"
    text = (
        "Residents welcomed the wonderful new bridge. "
        "Three workers were killed during construction. "
        "The ministry published the budget."
    )
    score = score_article(title, text, lex, language="en")
    compounds = [analyzer.polarity_scores(s)["compound"] for s in sentences(title, text)]
    assert score.sentence_count == 4
    assert score.sentiment == pytest.approx(sum(compounds) / 4, abs=1e-4)
    pos = sum(c >= 0.05 for c in compounds) / 4
    neg = sum(c <= -0.05 for c in compounds) / 4
    assert (score.sentiment_pos, score.sentiment_neg) == (pos, neg)
    assert score.sentiment_pos + score.sentiment_neg + score.sentiment_neu == pytest.approx(1)


def test_summarise():
    assert summarise([]) is None
    assert summarise([0.5, -0.5, 0.0, 0.04]) == (0.01, 0.25, 0.25, 0.5)


NEGATIVE = [
    "Police arrested {n} opposition activists in a violent crackdown.",
    "Soldiers fired tear gas at protesters and beat several of them.",
    "Rights groups condemned the brutal attack on peaceful demonstrators.",
    "The court jailed the union leader for incitement after an unfair trial.",
    "Families said they were terrified after troops burned their homes.",
    "Dozens were injured and two people were killed in the violence.",
]


def test_long_negative_article_is_clearly_negative_but_not_saturated(lex, analyzer):
    body = " ".join(NEGATIVE[i % len(NEGATIVE)].format(n=i + 2) for i in range(60))
    score = score_article("", body, lex, language="en")
    assert score.sentence_count == 60
    assert score.sentiment < -0.5
    assert score.sentiment_neg > 0.9
    # VADER on the whole text would be pinned at -1; the sentence mean is not
    assert analyzer.polarity_scores(body)["compound"] < -0.999
    assert score.sentiment > -0.95


def test_long_mixed_article_is_not_near_the_ends(lex, analyzer):
    positive = [
        "The new hospital will help thousands of families.",
        "Farmers were happy with a good harvest this year.",
        "Officials praised the successful vaccination campaign.",
    ]
    neutral = ["The ministry published its annual report on Tuesday."]
    lines = (NEGATIVE + positive + neutral) * 6
    body = " ".join(s.format(n=3) for s in lines)
    score = score_article("", body, lex, language="en")
    assert score.sentence_count == len(lines)
    assert abs(analyzer.polarity_scores(body)["compound"]) > 0.99  # the whole text saturates
    assert -0.5 < score.sentiment < 0.2
    assert 0 < score.sentiment_pos < 1 and 0 < score.sentiment_neg < 1


def test_non_english_is_not_scored_never_zero(lex):
    for title, text, language in [
        ("", "ប៉ូលិសបានចាប់ខ្លួនសកម្មជនបីនាក់។", None),
        ("", "La police a arrêté trois militants au Cambodge.", "fr"),
        ("", "Polisi menangkap tiga aktivis di Kamboja kemarin.", None),
    ]:
        score = score_article(title, text, lex, language=language)
        assert score.language != "en"
        assert score.sentiment is None
        assert (score.sentiment_pos, score.sentiment_neg, score.sentiment_neu) == (None,) * 3
        if score.language == "km":  # Khmer terms score risk; other languages are unscored
            assert score.risk_score > 0
        else:
            assert score.risk_score is None and score.term_matches == []


def test_declared_khmer_without_khmer_script_is_checked(lex):
    score = score_article("", "Police arrested three activists in the capital.", lex, language="km")
    assert score.language == "en" and score.sentiment is not None


def test_unscored_article_has_no_sentiment_scaling(lex):
    khmer = score_article("", "ប៉ូលិសបានចាប់ខ្លួនសកម្មជន។", lex)
    assert khmer.sentiment is None
    ranked = sorted(khmer.category_points.values(), reverse=True)
    raw = sum(p / rank for rank, p in enumerate(ranked, start=1))
    assert raw > 0
    assert khmer.risk_score == pytest.approx(100 * (1 - math.exp(-raw / 5)), abs=0.01)


def test_political_and_economic_losses_read_negative(lex):
    for text in (
        "The EU withdrew trade preferences from Cambodia.",
        "Trade preferences were withdrawn in August.",
        "The ministry revoked the newspaper's licence.",
        "Washington announced an aid suspension.",
        "The court dissolved the opposition party.",
        "He was sentenced to two years.",
    ):
        assert score_article("", text, lex, language="en").sentiment <= -0.05, text


def test_diplomatic_boilerplate_stays_near_neutral(lex):
    text = ("Both sides reaffirmed their commitment to ensure peace and respect the "
            "ceasefire agreement, the statement said.")
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    stock = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    ours = score_article("", text, lex, language="en").sentiment
    assert stock > 0.8 and ours < 0.5  # read as glowing by VADER alone, mild here
