"""QuickVader returns exactly what stock VADER returns, on any text.

The scorer runs :class:`feeds.score.sentiment.QuickVader`, a faster rewrite of VADER's
``polarity_scores``. Every comparison here is against the unmodified library class,
``vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer``, whose ``lexicon`` got the
same ``sentiment.toml`` overrides, and asks for equal dicts: compound, pos, neg and neu
must be the same floats, not merely close.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vaderSentiment import vaderSentiment as vader
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from feeds.lexicon import load_lexicons
from feeds.score import compiled, score_article, sentences
from feeds.score.sentiment import QuickVader, make_analyzer, summarise

ROOT = Path(__file__).resolve().parent.parent
LEX = load_lexicons()


def stock_with(overrides) -> SentimentIntensityAnalyzer:
    """The unmodified library analyzer, its word list changed as sentiment.toml says."""
    analyzer = SentimentIntensityAnalyzer()
    for word, valence in overrides.items():
        if valence == 0:
            analyzer.lexicon.pop(word, None)
        else:
            analyzer.lexicon[word] = valence
    return analyzer


QUICK = compiled(LEX).analyzer  # the analyzer score_article uses
STOCK = stock_with(LEX.sentiment)
QUICK_PLAIN = make_analyzer({})  # no overrides: VADER's own word list
STOCK_PLAIN = SentimentIntensityAnalyzer()


def same(text: str) -> None:
    assert QUICK.polarity_scores(text) == STOCK.polarity_scores(text), text
    assert QUICK_PLAIN.polarity_scores(text) == STOCK_PLAIN.polarity_scores(text), text


def test_the_comparison_is_against_stock_vader_with_the_same_words():
    assert type(QUICK) is QuickVader
    assert type(STOCK) is SentimentIntensityAnalyzer
    assert QuickVader.polarity_scores is not SentimentIntensityAnalyzer.polarity_scores
    assert QUICK.lexicon == STOCK.lexicon
    assert QUICK_PLAIN.lexicon == STOCK_PLAIN.lexicon
    assert QUICK.lexicon != QUICK_PLAIN.lexicon  # the overrides did something
    assert QUICK.emojis == STOCK.emojis


# --- words that steer VADER's rules ---------------------------------------------------

_RULE_WORDS = [
    *vader.NEGATE,
    *vader.BOOSTER_DICT,  # includes "kind of", "sort of", "just enough"
    *vader.SPECIAL_CASES,  # "the shit", "kiss of death", "yeah right", "bus stop" ...
    *vader.SENTIMENT_LADEN_IDIOMS,
    "no",
    "or",
    "nor",
    "but",
    "BUT",
    "least",
    "at least",
    "very least",
    "kind",
    "of",
    "never",
    "never so",
    "never this",
    "so",
    "this",
    "without",
    "without doubt",
    "without a doubt",
    "n't",
    "isn't",
    "Isn't",
]
# every sentiment.toml word (overridden or removed), and a sample of VADER's own lexicon
_LEXICON_WORDS = sorted(LEX.sentiment) + random.Random(3).sample(sorted(STOCK_PLAIN.lexicon), 400)
_NOISE = [
    ":)",
    ":D",
    ":-(",
    "<3",
    "(:",
    ":/",
    "!",
    "!!",
    "!!!!!",
    "?",
    "??",
    "???",
    "????",
    ",",
    ".",
    "...",
    "'",
    '"',
    "--",
    "\u2019",
    "\u201c",
    "\u201d",
    "😁",
    "💘",
    "🙂",
    "👍🏽",
    "🇰🇭",
    "☺",
    "é",
    "İ",
    "ß",
    "ΣΑΣ",
    "\u00a0",
    "\t",
    "\n",
    "\u2028",
    "Cambodia",
    "Hun Sen",
    "police",
    "the",
    "a",
]
VOCAB = _RULE_WORDS + _LEXICON_WORDS + _NOISE


def _shape(rng: random.Random, word: str) -> str:
    """The word as written: usually as is, sometimes in capitals or title case, sometimes
    with punctuation stuck to it."""
    roll = rng.random()
    if roll < 0.15:
        word = word.upper()
    elif roll < 0.25:
        word = word.title()
    roll = rng.random()
    if roll < 0.1:
        word += rng.choice([",", ".", "!", "?", "!!", ":", ";", "'", ")", "'s"])
    elif roll < 0.15:
        word = rng.choice(['"', "(", "'", "\u201c", "-"]) + word
    return word


def rule_sentence(rng: random.Random, size: int) -> str:
    words = [_shape(rng, rng.choice(VOCAB)) for _ in range(size)]
    seps = [rng.choice([" ", " ", " ", " ", "  ", "\t", "\u00a0", ""]) for _ in words]
    return "".join(w + s for w, s in zip(words, seps, strict=True))


# --- news-shaped sentences --------------------------------------------------------------


def demo_sentences() -> list[str]:
    """Every sentence of every title and description in the demo feeds."""
    found = []
    for path in sorted((ROOT / "data" / "demo").glob("*.xml")):
        for item in ET.parse(path).getroot().iter("item"):
            found.extend(sentences(item.findtext("title") or "", item.findtext("description")))
    return found


DEMO = demo_sentences()

_TEMPLATES = [
    "{A} said on {D} that the {T} in {P} was {V} and would not be tolerated.",
    "Residents of {P} were {V} after the {T}, but {A} said the situation was {W}.",
    "{A} denied any {T} near {P}, calling the reports {V} and {W}.",
    "The {T} was not {V}, {A} told reporters in {P}, adding that it was {W}.",
    "No {V} or {W} {T} was reported in {P} on {D}, according to {A}.",
    "At least {N} people were hurt in the {T} in {P}, and {A} was very {V}.",
    "{A} has never been so {V} about the {T} in {P}, said one kind of {W} observer.",
    "Without doubt, the {T} in {P} is {V}, {A} said, though hardly {W}.",
    "{A}: \u201cThe {T} in {P} is {V}!\u201d",
    "Why would {A} allow a {T} in {P}?? It is {V}.",
]


def news_sentences(n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    terms = [s for t in LEX.terms for s in t.surface if s.isascii()]
    actors = [a for act in LEX.actors for a in (act.name, *act.aliases)]
    places = [p.name for p in LEX.places]
    valenced = sorted(LEX.sentiment) + [w for w in _LEXICON_WORDS if w.isalpha()]
    made = []
    for _ in range(n):
        sentence = rng.choice(_TEMPLATES).format(
            A=rng.choice(actors),
            T=rng.choice(terms),
            P=rng.choice(places),
            D=rng.choice(["Monday", "Friday", "MONDAY"]),
            V=_shape(rng, rng.choice(valenced)),
            W=_shape(rng, rng.choice(valenced)),
            N=rng.choice(["two", "12", "DOZENS of"]),
        )
        made.append(sentence)
    return made


def mutated(base: list[str], n: int, seed: int = 9) -> list[str]:
    """Real sentences with rule words dropped in, words capitalised or removed."""
    rng = random.Random(seed)
    made = []
    for _ in range(n):
        words = rng.choice(base).split(" ")
        for _ in range(rng.randint(1, 4)):
            roll = rng.random()
            at = rng.randrange(len(words) + 1)
            if roll < 0.6:
                words.insert(at, _shape(rng, rng.choice(_RULE_WORDS)))
            elif roll < 0.8 and at < len(words):
                words[at] = words[at].upper()
            elif at < len(words) and len(words) > 1:
                del words[at]
        made.append(" ".join(words))
    return made


def test_demo_corpus_sentences():
    assert len(DEMO) > 500
    for s in DEMO:
        same(s)


def test_generated_news_sentences():
    for s in news_sentences(2500):
        same(s)


def test_demo_sentences_with_rule_words_dropped_in():
    for s in mutated(DEMO, 2500):
        same(s)


def test_sentences_made_of_rule_words():
    rng = random.Random(1)
    for _ in range(3000):
        same(rule_sentence(rng, rng.randint(1, 30)))


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\t ",
        "!",
        "?!?!",
        ":)",
        "Good",
        "GOOD",
        "GOOD bad",
        "good, BUT bad",
        "good but bad but good",
        "but",
        "no",
        "no good",
        "no, good",
        "not good",
        "NOT GOOD at all",
        "no no no good",
        "no harm or foul",
        "not bad nor good",
        "at least good",
        "the very least good",
        "least good",
        "least",
        "least good at",
        "Least bad very",
        "kind of good",
        "kind of",
        "it was kind",
        "sort of good",
        "just enough good",
        "never so good",
        "never this good",
        "so so good",
        "without doubt good",
        "without a doubt good",
        "the shit",
        "this is the shit",
        "this is the bomb",
        "a bus stop",
        "bus stop the shit",
        "the bomb the shit",
        "what a kiss of death",
        "he is to die for",
        "yeah right",
        "a beating heart today",
        "VERY good",
        "very GOOD",
        "VERY GOOD",
        "extremely not good",
        "isn't good",
        "It isn't a horrible book.",
        "Catch utf-8 emoji such as 💘 and 💋 and 😁",
        "💘💘💘",
        "a💘b",
        " 😁 ",
        "Today only kinda sux! But I'll get by, lol",
        "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
        "The crackdown on the opposition party was condemned; troops clashed at the border.",
        "Freedom of the press is not free and fair in Cambodia.",
    ],
)
def test_known_cases(text):
    same(text)


_fragments = st.one_of(
    st.sampled_from(VOCAB).map(lambda w: w + " "),
    st.sampled_from(VOCAB),
    st.text(max_size=6),
)
_rule_text = st.lists(_fragments, max_size=40).map("".join)
_shaped_text = st.lists(
    st.tuples(
        st.sampled_from(VOCAB),
        st.sampled_from(["", "upper", "title"]),
        st.text(" ,.!?'", max_size=2),
    ),
    max_size=30,
).map(
    lambda parts: " ".join(
        (w.upper() if how == "upper" else w.title() if how == "title" else w) + tail
        for w, how, tail in parts
    )
)

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.text(max_size=400))
def test_any_text(text):
    same(text)


@SETTINGS
@given(_rule_text)
def test_any_mix_of_rule_words_and_text(text):
    same(text)


@SETTINGS
@given(_shaped_text)
def test_any_run_of_capitalised_or_punctuated_rule_words(text):
    same(text)


def test_score_article_compounds_are_stock_vader_compounds():
    """End to end: an actor mention's sentiment is its sentence's stock VADER compound, and
    the article's is those compounds weighed by the lexicon's tone rules (``summarise``)."""
    checked = 0
    for path in sorted((ROOT / "data" / "demo").glob("*.xml")):
        for item in ET.parse(path).getroot().iter("item"):
            title, text = item.findtext("title") or "", item.findtext("description") or ""
            score = score_article(title, text, LEX)
            if score.language != "en":
                assert score.sentiment is None
                continue
            sents = sentences(title, text)
            compounds = [STOCK.polarity_scores(s)["compound"] for s in sents]
            expected = summarise(compounds, LEX.tone, has_title=bool(title.strip()))
            assert score.sentiment == expected[0]
            for m in score.actor_mentions:
                assert m.sentiment == compounds[m.sentence_index]
                checked += 1
    assert checked > 100
