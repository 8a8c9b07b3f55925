"""The ``articles`` and ``article_feeds`` tables, and every evidence table through the
store's own rule (``feeds.store.score_rows``; the search text by ``search_text``).

Relevant English articles name one or two places from the gazetteer (provinces and,
less often, towns, crossings and sites), and some a passing list of three provinces
that does not count, so ``place_mentions`` and ``article_places`` fill like a refresh's.
Articles spread over three years up to now, volume slowly rising, with "event" weeks
where both volume and risk jump. Each English article is built sentence by sentence
(title first, as ``feeds.score.sentences`` numbers them) around its risk terms and
actors, so every evidence offset points at the real text. Its score is synthetic, but
it becomes rows exactly as a refresh would store it.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import accumulate

from feeds.score.results import (
    ActorMention,
    ArticleScore,
    PlaceMention,
    TermMatch,
    UnlistedName,
)
from feeds.store import ScoreRows, score_rows, search_text
from gen.sources import slug
from gen.vocab import (
    ACTOR_COUNT_CUM,
    ACTOR_FRAMES,
    FEEDS,
    FILLER,
    FRAMES,
    HEAD_VERBS,
    KHMER_SENTENCES,
    KHMER_TITLES,
    LEXICON_VERSIONS,
    NEUTRAL_HEADS,
    OFFTOPIC_HEADS,
    UNLISTED,
    Vocab,
)
from gen.writer import ts

TABLES = ("articles", "article_feeds", *ScoreRows.EVIDENCE)
PLACE_FRAMES = (
    ("Officials in ", " said the situation was being monitored."),
    ("Residents of ", " described the scene to reporters."),
    ("The report from ", " was confirmed by local authorities."),
)
LIST_FRAME = ("Delegates came from ", ", ", " and ", ".")
RELEVANCE_CHOICES = (
    ["Cambodia"],
    ["Phnom Penh"],
    ["Cambodia", "Phnom Penh"],
    ["Hun Manet"],
    ["Cambodian"],
    ["Siem Reap", "Cambodia"],
    ["Sihanoukville"],
)


def weighted(rng: random.Random, cum: list[float]) -> int:
    return bisect(cum, rng.random() * cum[-1])


def day_weights(ndays: int, rng: random.Random) -> tuple[list[float], set[int]]:
    """Daily volume: a slow rise, weekly rhythm, noise and a few event weeks."""
    event_days: set[int] = set()
    for _ in range(max(3, ndays // 120)):
        start = rng.randrange(ndays)
        event_days.update(range(start, min(ndays, start + rng.randint(3, 10))))
    weights = []
    for d in range(ndays):
        w = 1.0 + 0.8 * d / ndays
        w *= 0.7 if d % 7 in (5, 6) else 1.0
        w *= rng.uniform(0.8, 1.2)
        if d in event_days:
            w *= 2.2
        weights.append(w)
    return weights, event_days


class ArticleMaker:
    """Rows for ``n_articles`` articles, in batches; ``sample`` keeps some for checking."""

    def __init__(self, rng: random.Random, vocab: Vocab, n_articles: int, now: datetime):
        self.rng = rng
        self.vocab = vocab
        self.n = n_articles
        self.now = now
        self.sample: list[tuple[str, str, list[tuple[int, int, int, str]]]] = []
        ndays = 3 * 365
        self.first_day = (now - timedelta(days=ndays - 1)).date()
        day_w, self.event_days = day_weights(ndays, rng)
        day_cum = list(accumulate(day_w))
        # How many articles each day gets (multinomial via sorted uniform draws, cheaply).
        self.days_sorted = sorted(weighted(rng, day_cum) for _ in range(n_articles))
        self.feed_cum = list(accumulate(f[2] for f in FEEDS))
        self.cat_cum = list(accumulate(vocab.category_weights))
        actors = list(vocab.actors)
        self.actor_cum = list(accumulate(1.0 / (k + 1) ** 0.9 for k in range(len(actors))))
        tail = actors[10:]
        rng.shuffle(tail)  # keep the big names on top, shuffle the long tail
        self.actor_order = actors[:10] + tail
        self.unlisted_cum = list(accumulate(1.0 / (k + 1) for k in range(len(UNLISTED))))
        # places: the provinces (a few big ones on top) and, less often, specific places
        self.provinces = [p for p in vocab.places if p[1] in ("province", "capital")]
        self.spots = [p for p in vocab.places if p[1] not in ("province", "capital")]
        rng.shuffle(self.spots)
        self.province_cum = list(accumulate(1.0 / (k + 1) ** 0.7
                                            for k in range(len(self.provinces))))
        self.spot_cum = list(accumulate(1.0 / (k + 1) for k in range(len(self.spots))))
        # Sentence frames, pre-split around the placeholder for speed.
        self.term_frames = [tuple(f.split("{t}")) for f in FRAMES]
        self.actor_frames = [tuple(f.split("{a}")) for f in ACTOR_FRAMES]

    def batches(self, size: int) -> Iterator[dict[str, list]]:
        out: dict[str, list] = {name: [] for name in TABLES}
        for idx in range(self.n):
            self._article(idx, out)
            if len(out["articles"]) >= size:
                yield out
                out = {name: [] for name in TABLES}
        yield out

    def _pick(self, seq):
        return seq[int(self.rng.random() * len(seq))]

    def _article(self, idx: int, out: dict[str, list]) -> None:
        rng, rnd, vocab, now = self.rng, self.rng.random, self.vocab, self.now
        aid = idx + 1
        day_no = self.days_sorted[idx]
        day = self.first_day + timedelta(days=day_no)
        published = datetime(day.year, day.month, day.day) + timedelta(seconds=int(rnd() * 86400))
        if published > now:
            published = now - timedelta(seconds=int(rnd() * 3600))
            day = published.date()
        fetched = min(now, published + timedelta(seconds=int(60 + rnd() * 6 * 3600)))
        fi = weighted(rng, self.feed_cum)
        fname, host, _vol, flang, _st = FEEDS[fi]
        feed_id = fi + 1

        r = rnd()
        relevant = None if r < 0.02 else (0 if r < 0.15 else 1)
        khmer = flang == "km" and rnd() < 0.85
        language = "km" if khmer else (flang if rnd() < 0.97 else None)
        event = day_no in self.event_days

        sentences: list[str] = []  # text sentences; sentence index = position + 1
        matches: list[TermMatch] = []
        mentions: list[tuple[str, int, int, int]] = []  # actor, sentence, start, end
        places: list[PlaceMention] = []
        if khmer:
            title = self._pick(KHMER_TITLES)
            for _ in range(2 + int(rnd() * 3)):
                sentences.append(self._pick(KHMER_SENTENCES))
            text = "".join(sentences)
            risk = 0.0 if relevant is not None else None
        else:
            # Risk: mostly low, long tail; events push it up; irrelevant stays low.
            if relevant is None:
                risk = None
            else:
                base = rnd() ** (2.6 if not event else 1.6)
                risk = round(min(100.0, base * 100 * (0.35 if relevant == 0 else 1.0)), 2)
            ncat = 0 if not risk or risk < 3 else min(3, 1 + int(risk / 28 + rnd() * 0.8))
            cats: list[str] = []
            while len(cats) < ncat:
                c = vocab.categories[weighted(rng, self.cat_cum)]
                if c not in cats:
                    cats.append(c)
            nact = weighted(rng, ACTOR_COUNT_CUM) if relevant != 0 else 0
            actors: list[str] = []
            while len(actors) < nact:
                a = self.actor_order[weighted(rng, self.actor_cum)]
                if a not in actors:
                    actors.append(a)
            for c in cats:
                for _ in range(1 + (rnd() < 0.35)):
                    term, forms, weight = self._pick(vocab.terms[c])
                    pre, post = self._pick(self.term_frames)
                    form = self._pick(forms)
                    written = form[:1].upper() + form[1:] if not pre else form
                    sentences.append(pre + written + post + ".")
                    matches.append(TermMatch(c, term, written, weight, len(sentences),
                                             len(pre), len(pre) + len(written)))
            for a in actors:
                for _ in range(1 + (rnd() < 0.25)):
                    pre, post = self._pick(self.actor_frames)
                    sentences.append(pre + a + post + ".")
                    mentions.append((a, len(sentences), len(pre), len(pre) + len(a)))
            if relevant and vocab.places:
                self._places(sentences, places)
            for _ in range(1 + int(rnd() * 2)):
                sentences.append(self._pick(FILLER) + ".")
            if relevant == 0:
                title = self._pick(OFFTOPIC_HEADS)
            elif cats and actors:
                term = self._pick(vocab.terms[cats[0]])[0]
                title = f"{actors[0]} {self._pick(HEAD_VERBS)} {term}"
            elif cats:
                title = (f"Reports of {self._pick(vocab.terms[cats[0]])[0]} "
                         f"in {self._pick(vocab.provinces)}")
            else:
                title = self._pick(NEUTRAL_HEADS)
            text = " ".join(sentences)

        url = f"https://{host}/{day.year}/{day.month:02d}/{slug(title)}-{aid}"
        link = url + ("?utm_source=rss" if rnd() < 0.3 else "")
        article = dict(
            id=aid, url=url, link=link,
            fingerprint=hashlib.sha256(title.lower().encode()).hexdigest(),
            title=title, feed_id=feed_id, source=fname, published_at=ts(published),
            published_day=day.isoformat(), published_estimated=1 if rnd() < 0.03 else 0,
            fetched_at=ts(fetched), language=language,
            summary="<p>" + " ".join(sentences[:2]) + "</p>", text=text,
            text_source="page" if rnd() < 0.15 else "summary",
            search=search_text(title, text),
        )
        out["article_feeds"].append((aid, feed_id, link, f"{host}-{aid}", ts(fetched)))
        if rnd() < 0.06:
            other = (fi + 1 + int(rnd() * (len(FEEDS) - 1))) % len(FEEDS)
            seen = min(now, fetched + timedelta(minutes=int(5 + rnd() * 600)))
            out["article_feeds"].append((aid, other + 1, link, None, ts(seen)))

        if relevant is None:  # not scored yet
            article.update(relevant=None, relevance_terms=None, sentiment=None,
                           sentiment_pos=None, sentiment_neg=None, sentiment_neu=None,
                           sentence_count=None, risk_score=None, scored_at=None,
                           lexicon_version=None)
            out["articles"].append(article)
            return
        score = self._score(relevant, khmer, language, risk, len(sentences) + 1, matches,
                            mentions)
        score.place_mentions = places
        age = (now - published).days
        version = LEXICON_VERSIONS[0 if age < 200 else 1 if age < 600 else 2]
        scored_at = ts(fetched + timedelta(seconds=int(1 + rnd() * 30)))
        rows = score_rows(aid, score, version, scored_at)
        article.update(rows.article)
        out["articles"].append(article)
        for name in ScoreRows.EVIDENCE:
            out[name].extend(getattr(rows, name))
        if len(self.sample) < 200 and (matches or mentions) and rnd() < 0.05:
            evidence = [(m.sentence_index, m.start, m.end, m.matched) for m in matches]
            evidence += [(si, st, en, a) for a, si, st, en in mentions]
            self.sample.append((title, text, evidence))

    def _places(self, sentences: list[str], out: list[PlaceMention]) -> None:
        """One or two place sentences, and now and then a passing list (not counted)."""
        rng, rnd = self.rng, self.rng.random
        for _ in range((rnd() < 0.85) + (rnd() < 0.25)):
            if self.spots and rnd() < 0.3:
                name, kind, iso = self.spots[weighted(rng, self.spot_cum)]
            else:
                name, kind, iso = self.provinces[weighted(rng, self.province_cum)]
            pre, post = self._pick(PLACE_FRAMES)
            sentences.append(pre + name + post)
            out.append(PlaceMention(name, kind, iso, name, len(sentences), len(pre),
                                    len(pre) + len(name), "place", True))
        if rnd() < 0.08:
            listed = [self._pick(self.provinces) for _ in range(3)]
            head, comma, conj, end = LIST_FRAME
            text, spans = head, []
            for k, (name, kind, iso) in enumerate(listed):
                text += (comma if k == 1 else conj if k == 2 else "")
                spans.append((name, kind, iso, len(text)))
                text += name
            sentences.append(text + end)
            for name, kind, iso, start in spans:
                out.append(PlaceMention(name, kind, iso, name, len(sentences), start,
                                        start + len(name), "list", False))

    def _score(self, relevant, khmer, language, risk, n_sentences, matches, mentions):
        rnd, gauss = self.rng.random, self.rng.gauss
        if khmer:
            sentiment = pos = neg = neu = None
        else:
            sentiment = round(max(-1.0, min(1.0, gauss(0.1 - (risk or 0) / 80, 0.3))), 4)
            neg = round(min(1.0, max(0.0, 0.2 + (risk or 0) / 150 + gauss(0, 0.1))), 3)
            pos = round(min(1.0 - neg, max(0.0, 0.25 + gauss(0, 0.1))), 3)
            neu = round(1.0 - pos - neg, 3)
        per_cat: dict[str, float] = {}
        for m in matches:
            per_cat[m.category] = per_cat.get(m.category, 0.0) + m.weight
        total = sum(per_cat.values()) or 1.0
        # Points: the category's share of the article's (0..100) risk score.
        points = {c: round((risk or 0.0) * w / total, 3) for c, w in per_cat.items()}
        actor_mentions = [
            ActorMention(a, a, si, st, en,
                         round(max(-1.0, min(1.0, (sentiment or 0.0) + gauss(0, 0.25))), 4))
            for a, si, st, en in mentions
        ]
        names = []
        if relevant and not khmer and rnd() < 0.2:
            picked = dict.fromkeys(
                UNLISTED[weighted(self.rng, self.unlisted_cum)] for _ in range(1 + (rnd() < 0.3))
            )
            names = [UnlistedName(n, 1 + int(rnd() * 3),
                                  f"{n} told reporters the matter was not closed.")
                     for n in picked]
        return ArticleScore(
            relevant=bool(relevant),
            relevance_terms=(["khmer-script"] if khmer
                             else self._pick(RELEVANCE_CHOICES) if relevant else []),
            language=language, sentiment=sentiment, sentiment_pos=pos, sentiment_neg=neg,
            sentiment_neu=neu, sentence_count=n_sentences, risk_score=risk or 0.0,
            category_points=points, term_matches=matches, actor_mentions=actor_mentions,
            unlisted_names=names,
        )
