"""Scoring speed: prints figures, asserts nothing (see the lead's README for targets).

1. Throughput of ``score_article`` against bare per-sentence VADER on the same
   sentences, side by side in one run. Target: scoring at >= 0.8x VADER's throughput,
   i.e. everything that is not VADER costs at most 25% on top of it. "Bare VADER" is
   the unmodified library: ``vaderSentiment``'s own ``SentimentIntensityAnalyzer`` with
   the same ``sentiment.toml`` overrides, ``polarity_scores`` once per sentence. The
   scorer runs ``QuickVader`` (same results, tested in
   ``tests/test_score_vader_equivalence.py``), timed alone in the same rounds, so the
   cost of everything else is printed too.
   Language identification (py3langid on the lead) is timed alone as well, and its
   share of scoring time printed. Target: it adds at most 15%.
3. Place extraction's share of scoring: ``score_article`` against the same with the
   judging of place mentions (``feeds.score.places``) switched off, in the same rounds.
   Target: <= 10%.
4. Phrase-matching cost (terms, actors, places; no VADER) with the real lexicons and
   with a synthetic lexicon holding ten times as many terms and actors. Target: <= 1.2x.

The corpus is generated from templates filled with real lexicon terms, actors and
places plus neutral filler, with a fixed seed, so runs are comparable.

    .venv/bin/python benchmarks/bench_score.py [--sentences 3000] [--repeat 15]

Times are the best of the rounds (see ``interleaved``); the median ratio of the runs in
one round is printed as well, since this often runs on a shared, busy machine.
"""

from __future__ import annotations

import argparse
import gc
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from feeds.lexicon import Lexicons, load_lexicons  # noqa: E402
from feeds.score import actors as actors_mod  # noqa: E402
from feeds.score import article as score_pass  # noqa: E402
from feeds.score import compiled, score_article, sentences  # noqa: E402
from feeds.score import relevance as relevance_mod  # noqa: E402
from feeds.score import terms as terms_mod  # noqa: E402
from feeds.score.article import _candidates  # noqa: E402
from feeds.score.language import detect_language, language_sample  # noqa: E402
from feeds.score.sentiment import make_analyzer  # noqa: E402

# Wire-copy shaped sentences, 15 to 35 words like real news; {A} actor, {T} risk term,
# {P} place, {D} weekday.
TEMPLATES = [
    "{A} told reporters in {P} on {D} that the government would respond firmly to what "
    "it described as misleading reports of {T} circulating on social media.",
    "According to a statement released by {A} late on {D}, the {T} took place near {P} "
    "and was being investigated by the relevant authorities.",
    "Residents of {P} said they had been worried about the {T} for weeks and called on {A} "
    "to explain what would happen to their families and their land.",
    "The ministry declined to comment on the {T} when contacted on {D}, but {A} said more "
    "details would be released once the investigation was complete.",
    "Analysts in {P} said the latest {T} could hurt investor confidence and tourism at a "
    "time when the economy was only beginning to recover.",
    "In a post on his Facebook page, {A} accused critics based overseas of spreading "
    "false information about the {T} in order to damage the country's reputation.",
    "Rights groups urged {A} to release everyone held in connection with the {T} reported "
    "in {P} last week, saying the charges were politically motivated.",
    "{A} met provincial officials in {P} on {D} to discuss trade, health care and the "
    "construction of new roads and irrigation canals.",
    "Witnesses said the {T} lasted for several hours before calm returned to the streets "
    "of {P}, where shops remained closed until the evening.",
    "A spokesman for {A} said the {T} had been exaggerated by foreign media and that the "
    "situation in {P} was now under control.",
    "Speaking at a graduation ceremony on {D}, {A} warned that anyone involved in the {T} "
    "would face the full force of the law.",
    "The {T} near {P} was the most serious incident of its kind this year, according to "
    "figures compiled by local monitoring groups.",
]
NEUTRAL = [
    "Officials said the new road linking the district to the provincial capital would "
    "open to traffic next month after two years of construction work.",
    "Prices of rice, pork and fuel rose slightly in local markets during the week, "
    "traders said, blaming higher transport costs and the weather.",
    "The ceremony was attended by hundreds of monks, students and local officials, who "
    "gathered at the pagoda before dawn to offer food.",
    "Tourist arrivals increased by almost a fifth compared with the same period last "
    "year, the ministry said in its monthly report.",
    "Farmers in the area hope that the rainy season will bring a better harvest than last "
    "year, when a long dry spell damaged many fields.",
    "The company said it would invest more than ten million dollars in a new factory "
    "that is expected to employ about two thousand workers.",
    "Schools will reopen after the holiday on Monday, according to a notice published by "
    "the education department on its website.",
    "Heavy rain flooded several streets in the capital on Tuesday evening, causing long "
    "traffic jams that lasted until late at night.",
    "The delegation also visited a hospital and a vocational training centre before "
    "returning to the capital on the same day.",
    "He said the project would create jobs for young people in rural areas and help "
    "reduce the number of workers leaving for neighbouring countries.",
    "The bank reported higher profits for the first half of the year as lending to small "
    "and medium-sized businesses continued to grow.",
    "Both sides agreed to meet again next month to continue the talks, according to a "
    "joint statement issued after the meeting.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def make_corpus(lex: Lexicons, n_sentences: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    terms = [s for t in lex.terms for s in t.surface if s.isascii()]
    actors = [a for act in lex.actors for a in (act.name, *act.aliases)]
    places = [p.name for p in lex.places if p.kind != "institution"]
    made: list[str] = []
    while len(made) < n_sentences:
        if rng.random() < 0.45:
            made.append(rng.choice(NEUTRAL))
        else:
            made.append(
                rng.choice(TEMPLATES).format(
                    A=rng.choice(actors),
                    T=rng.choice(terms),
                    P=rng.choice(places),
                    D=rng.choice(DAYS),
                )
            )
    articles = []
    i = 0
    while i < len(made):
        size = rng.randint(10, 20)
        chunk = made[i : i + size]
        i += size
        articles.append((chunk[0], " ".join(chunk[1:])))
    return articles


def interleaved(rounds: int, *fns) -> tuple[list[float], list[float]]:
    """(best time of each fn, median over rounds of each fn's time / the first's time).

    All run back to back in every round, in an order that rotates from round to round,
    timed in CPU time of this process. On a shared, busy machine each time is noisy; the
    best of many rounds is the usual estimate of the undisturbed cost (as ``timeit``
    recommends), and the median ratio of neighbouring runs is printed too as a check.
    """
    times: list[list[float]] = [[] for _ in fns]
    for r in range(rounds):
        order = list(range(len(fns)))
        order = order[r % len(order) :] + order[: r % len(order)]
        if r // len(order) % 2:
            order.reverse()
        for k in order:
            gc.collect()
            start = time.process_time()
            fns[k]()
            times[k].append(time.process_time() - start)
    best = [min(t) for t in times]
    ratios = [statistics.median(b / a for a, b in zip(times[0], t, strict=True)) for t in times]
    return best, ratios


TODAY = date.today()


def match_only(lex: Lexicons, articles: list[list[str]]) -> None:
    """Phrase matching and overlap resolution as score_article does it, without VADER."""
    comp = compiled(lex)
    for sents in articles:
        joined = "\n".join(sents)
        starts = [0]
        for s in sents[:-1]:
            starts.append(starts[-1] + len(s) + 1)
        found, toks = _candidates(joined, comp, starts)
        resolver = actors_mod.ActorResolver(comp.actors, comp.honorifics)
        for si in sorted(found):
            by_kind = found[si]
            if by_kind.get(terms_mod.TERM):
                terms_mod.resolve(by_kind[terms_mod.TERM], by_kind.get(terms_mod.TERM_EXCLUSION),
                                  comp.terms, joined, starts[si], si, lex.rules, TODAY)
            resolver.sentence(by_kind, joined, starts[si], si, toks, None)
            relevance_mod.places_in(by_kind)


def tenfold_lexicons(lex: Lexicons, seed: int = 11) -> tuple[Lexicons, int, int]:
    """The real files plus nine fake terms per real term and nine fake actors per actor."""
    rng = random.Random(seed)
    common = [
        "police",
        "the",
        "government",
        "border",
        "said",
        "new",
        "local",
        "people",
        "officials",
        "court",
        "market",
        "provincial",
        "national",
        "former",
    ]

    def fake_word() -> str:
        return "".join(
            rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4))
        )

    n_terms = len(lex.terms) * 9
    n_actors = len(lex.actors) * 9
    tmp = Path(tempfile.mkdtemp(prefix="lex10x-"))
    for name in ("terms.toml", "actors.toml", "places.toml", "sentiment.toml"):
        shutil.copy(lex.directory / name, tmp / name)
    seen: set[str] = set()

    def unique(make) -> str:
        while True:
            value = make()
            if value not in seen:
                seen.add(value)
                return value

    cats = list(lex.categories)
    with (tmp / "terms.toml").open("a", encoding="utf-8") as f:
        for _ in range(n_terms):
            # half single invented words, half phrases that start with a common word
            if rng.random() < 0.5:
                term = unique(fake_word)
            else:
                term = unique(lambda: f"{rng.choice(common)} {fake_word()}")
            f.write(
                f'\n[[categories.{rng.choice(cats)}.terms]]\nterm = "{term}"\n'
                f"weight = {rng.choice([1, 2, 3])}\n"
            )
    with (tmp / "actors.toml").open("a", encoding="utf-8") as f:
        for i in range(n_actors):
            name = unique(lambda: f"{fake_word().title()} {fake_word().title()}")
            f.write(
                f'\n[[actor]]\nid = "fake-{i}"\nname = "{name}"\ntype = "person"\n'
                f'affiliation = "Cambodia"\n'
            )
    big = load_lexicons(tmp)
    shutil.rmtree(tmp)
    return big, len(big.terms), len(big.actors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=15, help="paired rounds")
    args = parser.parse_args()

    lex = load_lexicons()
    comp = compiled(lex)
    articles = make_corpus(lex, args.sentences)
    split = [sentences(title, text) for title, text in articles]
    sents = [s for article in split for s in article]
    # the unmodified library class, with the same word-list overrides as the scorer's
    stock = make_analyzer(lex.sentiment, cls=SentimentIntensityAnalyzer)
    assert type(stock) is SentimentIntensityAnalyzer
    assert stock.lexicon == comp.analyzer.lexicon
    polarity = stock.polarity_scores
    quick_polarity = comp.analyzer.polarity_scores

    for title, text in articles[:3]:  # warm caches
        score_article(title, text, lex, language="en")

    def bare_vader() -> None:
        for s in sents:
            polarity(s)

    def scoring() -> None:
        for title, text in articles:
            score_article(title, text, lex, language="en")

    def quick_vader() -> None:
        for s in sents:
            quick_polarity(s)

    def language_id() -> None:
        for title, text in articles:
            detect_language(language_sample(title, text), "en")

    (t_vader, t_score, t_quick, t_lang), (_, score_ratio, quick_ratio, _) = interleaved(
        args.repeat, bare_vader, scoring, quick_vader, language_id
    )

    judge = score_pass._places.place_mentions

    def scoring_without_places() -> None:
        score_pass._places.place_mentions = lambda *args: []
        try:
            scoring()
        finally:
            score_pass._places.place_mentions = judge

    (t_with, t_without), (_, without_ratio) = interleaved(
        args.repeat, scoring, scoring_without_places
    )

    big, n_terms, n_actors = tenfold_lexicons(lex)
    match_only(big, split)  # warm
    (t_match, t_match_big), (_, match_ratio) = interleaved(
        args.repeat, lambda: match_only(lex, split), lambda: match_only(big, split)
    )

    n = len(sents)
    rows = [
        ("corpus", f"{len(articles)} articles, {n} sentences, {args.repeat} rounds"),
        (
            "bare VADER, per sentence",
            f"{t_vader / n * 1e6:8.1f} us  ({n / t_vader:7.0f} sentences/s)",
        ),
        (
            "score_article, per sentence",
            f"{t_score / n * 1e6:8.1f} us  ({n / t_score:7.0f} sentences/s)",
        ),
        ("throughput vs bare VADER (best)", f"{t_vader / t_score:8.2f} x   (target >= 0.80)"),
        ("throughput vs bare VADER (median pair)", f"{1 / score_ratio:8.2f} x"),
        (
            "QuickVader alone, per sentence",
            f"{t_quick / n * 1e6:8.1f} us  ({t_vader / t_quick:.2f}x bare VADER's speed, "
            f"median pair {1 / quick_ratio:.2f}x)",
        ),
        (
            "scoring minus QuickVader (best)",
            f"{(t_score - t_quick) / n * 1e6:8.1f} us  "
            f"= {(t_score - t_quick) / t_vader * 100:.1f}% of bare VADER",
        ),
        (
            "scoring minus QuickVader (median)",
            f"{(score_ratio - quick_ratio) * 100:8.1f} %   of bare VADER",
        ),
        (
            "language identification (inside scoring)",
            f"{t_lang / len(articles) * 1e6:8.1f} us/article = "
            f"{t_lang / (t_score - t_lang) * 100:.1f}% added to scoring   (target <= 15%)",
        ),
        (
            "place extraction, share of scoring (best)",
            f"{(t_with - t_without) / t_without * 100:8.1f} %   (target <= 10)",
        ),
        (
            "place extraction (median pair)",
            f"{(1 / without_ratio - 1) * 100:8.1f} %   (target <= 10)",
        ),
        (
            "matching, real lexicons",
            f"{t_match / n * 1e6:8.1f} us/sentence "
            f"({len(lex.terms)} terms, {len(lex.actors)} actors)",
        ),
        (
            "matching, 10x lexicons",
            f"{t_match_big / n * 1e6:8.1f} us/sentence ({n_terms} terms, {n_actors} actors)",
        ),
        ("10x / 1x matching time (best)", f"{t_match_big / t_match:8.2f} x   (target <= 1.20)"),
        ("10x / 1x matching time (median pair)", f"{match_ratio:8.2f} x   (target <= 1.20)"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"{'measure'.ljust(width)} | value")
    print(f"{'-' * width}-+-{'-' * 50}")
    for key, value in rows:
        print(f"{key.ljust(width)} | {value}")


if __name__ == "__main__":
    main()
