"""Sentence-level VADER sentiment with political-news overrides."""

from __future__ import annotations

import math
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from feeds.lexicon import LexiconError, load_lexicons
from feeds.lexicon.model import ToneRules
from feeds.score import compiled, score_article, sentences
from feeds.score.sentiment import make_analyzer, summarise

REAL = Path(__file__).resolve().parent.parent / "data" / "lexicons"


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


def test_article_sentiment_is_the_weighted_mean_of_sentences(lex, analyzer):
    title = "Hun Manet opens a new bridge"
    text = (
        "Residents welcomed the wonderful new bridge. "
        "Three workers were killed during construction. "
        "The ministry published the budget."
    )
    score = score_article(title, text, lex, language="en")
    compounds = [analyzer.polarity_scores(s)["compound"] for s in sentences(title, text)]
    assert score.sentence_count == 4
    tw, nw = lex.tone.title_weight, lex.tone.negative_weight
    assert tw > 1 and nw > 1  # the real lexicon weighs the title and negative sentences
    weights = [tw if i == 0 else 1.0 for i in range(4)]
    weights = [w * (nw if c < 0 else 1.0) for w, c in zip(weights, compounds, strict=True)]
    expected = sum(w * c for w, c in zip(weights, compounds, strict=True)) / sum(weights)
    assert score.sentiment == pytest.approx(expected, abs=1e-4)
    assert score.sentiment != pytest.approx(sum(compounds) / 4, abs=1e-3)
    # the shares stay plain counts of sentences
    pos = sum(c >= 0.05 for c in compounds) / 4
    neg = sum(c <= -0.05 for c in compounds) / 4
    assert (score.sentiment_pos, score.sentiment_neg) == (pos, neg)
    assert score.sentiment_pos + score.sentiment_neg + score.sentiment_neu == pytest.approx(1)


def test_summarise():
    assert summarise([]) is None
    assert summarise([0.5, -0.5, 0.0, 0.04]) == (0.01, 0.25, 0.25, 0.5)  # no rules: plain mean
    assert summarise([0.5, -0.5, 0.0, 0.04], ToneRules()) == (0.01, 0.25, 0.25, 0.5)
    # a negative sentence counting twice: (0.5 - 2 * 0.5 + 0 + 0.04) / 5
    assert summarise([0.5, -0.5, 0.0, 0.04], ToneRules(negative_weight=2))[0] == -0.092
    # the title counting three times: (3 * 0.5 - 0.5 + 0 + 0.04) / 6
    rules = ToneRules(title_weight=3)
    assert summarise([0.5, -0.5, 0.0, 0.04], rules, has_title=True)[0] == 0.1733
    assert summarise([0.5, -0.5, 0.0, 0.04], rules, has_title=False)[0] == 0.01
    # both: a negative title counts title_weight * negative_weight times
    both = ToneRules(title_weight=3, negative_weight=2)
    assert summarise([-0.5, 0.5, 0.5], both, has_title=True)[0] == round((-3 + 1) / 8, 4)


def test_headline_frames_a_body_of_milder_news(lex):
    """A short item keeps the tone of its headline when the body is milder filler."""
    title = "Officials inspect a mining site after fish deaths"
    text = "The minister thanked the donors. Villagers welcomed the new school."
    rules = lex.tone
    plain = score_article(title, text, replace(lex, tone=ToneRules()), language="en")
    ours = score_article(title, text, lex, language="en")
    assert rules.title_weight > 1
    assert plain.sentiment > -0.05  # the plain mean lets the filler cancel the headline
    assert ours.sentiment <= -0.05


def test_harm_outweighs_the_same_amount_of_praise(lex, analyzer):
    """One harm and one matching courtesy: the article reads negative, not neutral."""
    bad, good = "Two workers were injured in the blast.", "Officials thanked the rescuers."
    a, b = (analyzer.polarity_scores(s)["compound"] for s in (bad, good))
    assert a < 0 < b and abs(a + b) < 0.05  # about equal strength
    score = score_article("", f"{bad} {good}", lex, language="en")
    assert score.sentiment <= -0.05
    plain = score_article("", f"{bad} {good}", replace(lex, tone=ToneRules()), language="en")
    assert -0.05 < plain.sentiment  # the plain mean calls it neutral


def test_tone_rules_in_the_file(tmp_path):
    for name in ("terms.toml", "actors.toml", "places.toml"):
        shutil.copy(REAL / name, tmp_path / name)
    (tmp_path / "sentiment.toml").write_text(
        "[words]\nparty = 0\n[article]\ntitle_weight = 2\nnegative_weight = 1.25\n"
    )
    assert load_lexicons(tmp_path).tone == ToneRules(title_weight=2, negative_weight=1.25)
    (tmp_path / "sentiment.toml").write_text("[words]\nparty = 0\n")
    assert load_lexicons(tmp_path).tone == ToneRules()  # no table: the plain mean
    for table, message in (
        ("title_weight = 0.5", "field 'title_weight': must be within [1, 10], got 0.5"),
        ("negative_weight = 9", "field 'negative_weight': must be within [1, 5], got 9"),
        ("negative_weight = true", "field 'negative_weight': must be a number"),
        ("lead_weight = 2", "field 'lead_weight': unknown field"),
    ):
        (tmp_path / "sentiment.toml").write_text(f"[words]\n[article]\n{table}\n")
        with pytest.raises(LexiconError) as e:
            load_lexicons(tmp_path)
        assert str(e.value).startswith("sentiment.toml: [article]: ") and message in str(e.value)


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
    text = (
        "Both sides reaffirmed their commitment to ensure peace and respect the "
        "ceasefire agreement, the statement said."
    )
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    stock = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    ours = score_article("", text, lex, language="en").sentiment
    assert stock > 0.8 and ours < 0.5  # read as glowing by VADER alone, mild here


@pytest.mark.parametrize(
    "text",
    [
        "Ly Thuch met Sok Chenda Sophea and Hak Sokha in the capital.",  # names, not slang
        "Thai fighter jets flew over the heart of the province.",
        "Interest rates on loans for the energy sector rose in 2025 alone.",
        "Natural resources showed significant changes.",
    ],
)
def test_names_and_everyday_news_words_carry_no_tone(analyzer, text):
    assert make_analyzer({}).polarity_scores(text)["compound"] > 0.4  # stock VADER: upbeat
    assert analyzer.polarity_scores(text)["compound"] == 0
