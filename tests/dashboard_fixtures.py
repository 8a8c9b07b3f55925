"""A small, realistic, scored dataset for dashboard tests (AppTest, queries, browser).

Stable API::

    build_dataset(db_url, *, n_articles=120, hostile_title=True) -> None

It migrates an empty database (SQLite file or PostgreSQL) with ``feeds.store.migrate``
and fills it with plain inserts against ``feeds.store.schema``, writing the same rows the
scorer's store step writes (so it does not depend on the store's write API). The
result is deterministic:
the same arguments give the same rows, ids and dates, whatever day the tests run.

What is in it (constants below name the parts tests look for):

* four feeds: two healthy, one failing (3 consecutive failures), one never fetched;
* refresh runs: finished ones, one interrupted (never finished, followed by others),
  and the newest finished at END_DAY 06:00 (kind ``run_kind``, default ``refresh``);
* ``n_articles`` relevant, scored English articles spread over the 150 days up to
  END_DAY, with term matches in every risk category, actor mentions with sentence
  sentiment, and unlisted names; a spike of SPIKE_CATEGORY / SPIKE_ACTOR articles in
  the last 7 days (so the Overview raises alerts for both);
* one Khmer-language article (sentiment not scored), one irrelevant article and one
  unscored article (neither may ever be shown);
* with ``hostile_title``, one relevant article titled HOSTILE_TITLE whose text is full of
  markup and Markdown (``[link](javascript:...)``, ``:red[...]``, ``$...$``) and whose URL
  is ``javascript:alert(1)``.

Sentences are written so that any reasonable splitter (title first, then the text split
after ``.``) gives the same sentences, and every stored offset points at its text.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, update

from feeds import store
from feeds.score.results import (
    ActorMention,
    ArticleScore,
    PlaceMention,
    TermMatch,
    UnlistedName,
)
from feeds.store import schema

HOSTILE_TITLE = "<script>alert(1)</script> Hostile <img src=x onerror=alert(2)> title"
HOSTILE_URL = "javascript:alert(1)"
END_DAY = date(2024, 6, 30)  # the newest article's day
SPAN_DAYS = 150
SPIKE_CATEGORY = "unrest_protest"
SPIKE_ACTOR = "Candlelight Party"
IRRELEVANT_TITLE = "Weekend football results from the regional league"
UNSCORED_TITLE = "Unscored article waiting for the scorer"
KHMER_TITLE = "ការតវ៉ានៅភ្នំពេញ"
FEEDS = ("Khmer Times", "Phnom Penh Post", "CamboJA News", "Kiripost")
HEALTHY_FEEDS = FEEDS[:2]
FAILING_FEED = FEEDS[2]
NEW_FEED = FEEDS[3]
LEXICON_VERSION = "fixture-1"
RISK_PER_POINT = 8.0


@dataclass(frozen=True)
class _Spec:
    text: str
    terms: tuple[tuple[str, str, str, float], ...] = ()  # matched, category, term, weight
    actors: tuple[tuple[str, str], ...] = ()  # alias as written, canonical actor
    sentiment: float = 0.0
    names: tuple[str, ...] = ()  # unlisted capitalised names


_TITLES = (
    _Spec(
        "Troops deployed near the Thai border as tensions rise",
        (
            ("Troops", "security_military", "troops", 2.0),
            ("border", "security_military", "border", 1.0),
        ),
        (),
        -0.45,
    ),
    _Spec(
        "Opposition activists arrested in Phnom Penh",
        (("arrested", "arrests_legal", "arrest", 2.0),),
        (),
        -0.6,
    ),
    _Spec(
        "Garment workers protest over unpaid wages",
        (
            ("Garment workers", "land_labour", "garment workers", 1.5),
            ("protest", "unrest_protest", "protest", 2.0),
        ),
        (),
        -0.35,
    ),
    _Spec(
        "EU reviews trade preferences for Cambodia",
        (("trade preferences", "sanctions_trade", "trade preferences", 2.0),),
        (),
        -0.1,
    ),
    _Spec(
        "Journalist detained after reporting on a land dispute",
        (
            ("Journalist", "media_civil_society", "journalist", 1.5),
            ("detained", "arrests_legal", "detain", 2.0),
            ("land dispute", "land_labour", "land dispute", 1.5),
        ),
        (),
        -0.55,
    ),
    _Spec(
        "Court hearing on opposition party dissolution delayed",
        (("dissolution", "political_crisis", "party dissolution", 2.5),),
        (),
        -0.3,
    ),
    _Spec("Government announces new road investment in Siem Reap", (), (), 0.5),
    _Spec("Tourism numbers climb ahead of the water festival", (), (), 0.6),
)

_BODIES = (
    _Spec(
        "Prime Minister Hun Manet said the government would keep order.",
        (),
        (("Hun Manet", "Hun Manet"),),
        0.2,
    ),
    _Spec(
        "Hun Sen warned critics against spreading fake news online.",
        (("fake news", "media_civil_society", "fake news", 1.0),),
        (("Hun Sen", "Hun Sen"),),
        -0.5,
    ),
    _Spec(
        "The Candlelight Party said several of its members were questioned by police.",
        (("questioned by police", "arrests_legal", "questioned by police", 1.0),),
        (("Candlelight Party", "Candlelight Party"),),
        -0.3,
    ),
    _Spec(
        "Soldiers from the RCAF were seen moving artillery along the road.",
        (
            ("Soldiers", "security_military", "soldiers", 1.5),
            ("artillery", "security_military", "artillery", 2.0),
        ),
        (("RCAF", "Royal Cambodian Armed Forces"),),
        -0.4,
    ),
    _Spec(
        "The Cambodian People's Party won every seat in the commune vote.",
        (),
        (("Cambodian People's Party", "Cambodian People's Party"),),
        0.3,
    ),
    _Spec("ASEAN diplomats called for calm and dialogue.", (), (("ASEAN", "ASEAN"),), 0.4),
    _Spec(
        "The Ministry of Interior denied that any crackdown was under way.",
        (("crackdown", "unrest_protest", "crackdown", 1.5),),
        (("Ministry of Interior", "Ministry of Interior"),),
        -0.2,
    ),
    _Spec(
        "Local resident Sok Chea said the market reopened on Monday.", (), (), 0.1, ("Sok Chea",)
    ),
    _Spec(
        "Union leader Chan Dara said workers had not been paid for two months.",
        (("workers", "land_labour", "workers", 1.0),),
        (),
        -0.4,
        ("Chan Dara",),
    ),
    _Spec("Analysts expect the economy to grow by six percent this year.", (), (), 0.5),
    _Spec(
        "Kem Sokha remains barred from political activity.",
        (("barred from political activity", "political_crisis", "political ban", 2.0),),
        (("Kem Sokha", "Kem Sokha"),),
        -0.35,
    ),
)

_SPIKE = (
    _Spec(
        "Thousands join protest march against land evictions",
        (
            ("protest", "unrest_protest", "protest", 2.0),
            ("land evictions", "land_labour", "eviction", 1.5),
        ),
        (),
        -0.5,
    ),
    _Spec(
        "Candlelight Party supporters rally as police block the march.",
        (("rally", "unrest_protest", "rally", 1.5),),
        (("Candlelight Party", "Candlelight Party"),),
        -0.45,
    ),
    _Spec(
        "Riot police used water cannon to disperse the demonstrators.",
        (
            ("Riot police", "unrest_protest", "riot police", 2.0),
            ("demonstrators", "unrest_protest", "demonstrators", 1.5),
        ),
        (),
        -0.7,
    ),
)

_PLACES = ("Phnom Penh", "Siem Reap", "Battambang", "Kampot", "Koh Kong", "Preah Vihear")
# each fixture place's kind and province (ISO 3166-2:KH), as the gazetteer has them
PLACE_CODES = {"Phnom Penh": ("capital", "KH-12"), "Siem Reap": ("province", "KH-17"),
               "Battambang": ("province", "KH-2"), "Kampot": ("province", "KH-7"),
               "Koh Kong": ("province", "KH-9"), "Preah Vihear": ("province", "KH-13")}


def _place_mentions(text: str, index: int) -> list[PlaceMention]:
    out = []
    for place, (kind, iso) in PLACE_CODES.items():
        pos = text.find(place)
        if pos >= 0:
            out.append(PlaceMention(place, kind, iso, place, index, pos, pos + len(place),
                                    "place", True))
    return out


def _sentence_matches(spec: _Spec, text: str, index: int):
    terms, mentions = [], []
    for matched, category, term, weight in spec.terms:
        pos = text.find(matched)
        assert pos >= 0, (matched, text)
        terms.append(TermMatch(category, term, matched, weight, index, pos, pos + len(matched)))
    for alias, actor in spec.actors:
        pos = text.find(alias)
        assert pos >= 0, (alias, text)
        mentions.append(ActorMention(actor, alias, index, pos, pos + len(alias), spec.sentiment))
    return terms, mentions


def _score(
    sentences: list[tuple[_Spec, str]], language: str = "en", scored_sentiment: bool = True
) -> ArticleScore:
    terms: list[TermMatch] = []
    mentions: list[ActorMention] = []
    places: list[PlaceMention] = []
    names: dict[str, tuple[int, str]] = {}
    for index, (spec, text) in enumerate(sentences):
        places += _place_mentions(text, index)
        t, m = _sentence_matches(spec, text, index)
        terms += t
        if not scored_sentiment:
            m = [ActorMention(x.actor, x.alias, x.sentence_index, x.start, x.end, None) for x in m]
        mentions += m
        for name in spec.names:
            count, example = names.get(name, (0, text))
            names[name] = (count + 1, example)
    points: dict[str, float] = {}
    for t in terms:
        points[t.category] = points.get(t.category, 0.0) + t.weight
    risk = round(min(100.0, sum(points.values()) * RISK_PER_POINT), 1)
    if scored_sentiment:
        values = [spec.sentiment for spec, _ in sentences]
        n = len(values)
        sentiment = round(sum(values) / n, 4)
        pos = sum(v >= 0.05 for v in values) / n
        neg = sum(v <= -0.05 for v in values) / n
        neu = 1 - pos - neg
    else:
        sentiment = pos = neg = neu = None
    return ArticleScore(
        relevant=True,
        relevance_terms=["Cambodia", "Phnom Penh"],
        language=language,
        sentiment=sentiment,
        sentiment_pos=pos,
        sentiment_neg=neg,
        sentiment_neu=neu,
        sentence_count=len(sentences),
        risk_score=risk,
        category_points=points,
        term_matches=terms,
        actor_mentions=mentions,
        unlisted_names=[UnlistedName(n, c, e) for n, (c, e) in names.items()],
        place_mentions=places,
    )


def _article(
    i: int,
    title: str,
    text: str,
    day: date,
    hour: int,
    url: str | None = None,
    language: str = "en",
) -> store.NewArticle:
    published = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour, minutes=i % 60)
    return store.NewArticle(
        url=url or f"https://news.example.org/{day.isoformat()}/story-{i}",
        link=url or f"https://news.example.org/{day.isoformat()}/story-{i}?utm=feed",
        guid=f"fixture-{i}",
        fingerprint=hashlib.sha256(f"{title}|{i}".encode()).hexdigest(),
        title=title,
        published_at=published,
        published_estimated=False,
        language=language,
        summary=text[:200],
        text=text,
        text_source="summary",
    )


def _insert_feeds(conn) -> list[dict]:
    end = datetime.combine(END_DAY, datetime.min.time())
    rows = [
        dict(
            name=FEEDS[0],
            url="https://www.khmertimeskh.com/feed/",
            status="ok",
            last_attempt_at=end + timedelta(hours=6),
            last_success_at=end + timedelta(hours=6),
            consecutive_failures=0,
            latency_ms=420,
            item_count=50,
            etag='"abc"',
        ),
        dict(
            name=FEEDS[1],
            url="https://www.phnompenhpost.com/rss",
            status="unchanged",
            last_attempt_at=end + timedelta(hours=6),
            last_success_at=end + timedelta(hours=6),
            consecutive_failures=0,
            latency_ms=880,
            item_count=30,
        ),
        dict(
            name=FEEDS[2],
            url="https://cambojanews.com/feed/",
            status="waiting",
            last_attempt_at=end + timedelta(hours=6),
            last_success_at=end - timedelta(days=3),
            consecutive_failures=3,
            last_error="HTTP 503 Service Unavailable",
            next_attempt_at=end + timedelta(hours=8),
            latency_ms=None,
            item_count=20,
        ),
        dict(name=FEEDS[3], url="https://kiripost.com/feed", status="new", consecutive_failures=0),
    ]
    out = []
    for row in rows:
        new_id = conn.execute(insert(schema.feeds).values(**row)).inserted_primary_key[0]
        out.append({"id": new_id, "name": row["name"]})
    return out


def _insert_runs(conn, run_kind: str) -> None:
    end = datetime.combine(END_DAY, datetime.min.time())
    runs = [
        dict(
            started_at=end - timedelta(days=30),
            finished_at=end - timedelta(days=30) + timedelta(seconds=42),
            feeds_ok=3,
            feeds_failed=0,
            new_articles=40,
            kind="refresh",
        ),
        dict(started_at=end - timedelta(days=10), finished_at=None, kind="refresh"),
        dict(
            started_at=end - timedelta(days=1),
            finished_at=end - timedelta(days=1) + timedelta(seconds=55),
            feeds_ok=2,
            feeds_failed=1,
            feeds_unchanged=0,
            new_articles=12,
            kind="refresh",
        ),
        dict(
            started_at=end + timedelta(hours=6),
            finished_at=end + timedelta(hours=6, seconds=37),
            feeds_ok=1,
            feeds_failed=1,
            feeds_unchanged=1,
            feeds_skipped=1,
            new_articles=5,
            kind=run_kind,
        ),
    ]
    for run in runs:
        conn.execute(insert(schema.refresh_runs).values(**run))


def build_dataset(
    db_url: str, *, n_articles: int = 120, hostile_title: bool = True, run_kind: str = "refresh"
) -> None:
    """Create the schema in an empty database and fill it (see the module docstring)."""
    engine = store.make_engine(db_url)
    try:
        store.migrate(engine)
        with engine.begin() as conn:
            if conn.execute(select(func.count()).select_from(schema.articles)).scalar():
                raise ValueError(
                    f"{db_url} already has articles; build_dataset needs an empty database"
                )
            feeds = _insert_feeds(conn)
            _insert_runs(conn, run_kind)
            _fill(conn, feeds, n_articles, hostile_title)
    finally:
        engine.dispose()


def _insert_article(conn, art: store.NewArticle, feed: dict, fetched: datetime) -> int:
    """Through the store's own article write, so every derived column (the search
    text) is what a refresh would store."""
    return store.insert_articles(conn, [art], feed, fetched)[0]


def _write_score(conn, article_id: int, score: ArticleScore, scored_at: datetime) -> None:
    """The rows the store writes for a score, made by the store's own rule
    (``feeds.store.score_rows``) and written with plain inserts, so the dashboard tests
    read exactly what a refresh would have stored."""
    rows = store.score_rows(article_id, score, LEXICON_VERSION, scored_at)
    a = schema.articles
    conn.execute(update(a).where(a.c.id == article_id).values(**rows.article))
    for name in store.ScoreRows.EVIDENCE:
        if getattr(rows, name):
            conn.execute(insert(schema.metadata.tables[name]), getattr(rows, name))


def _save(
    conn,
    art: store.NewArticle,
    feed: dict,
    sentences,
    *,
    language="en",
    scored_sentiment=True,
    relevant=True,
) -> int:
    fetched = art.published_at + timedelta(minutes=20)
    article_id = _insert_article(conn, art, feed, fetched)
    score = _score(sentences, language, scored_sentiment)
    if not relevant:
        score.relevant = False
    _write_score(conn, article_id, score, fetched)
    return article_id


def _fill(conn, feeds: list[dict], n_articles: int, hostile_title: bool) -> None:
    rng = random.Random(20240630)
    spike = max(4, n_articles // 12)
    regular = max(0, n_articles - spike)
    carriers = feeds[:3]  # the new feed has never delivered anything
    counter = 0

    def next_i() -> int:
        nonlocal counter
        counter += 1
        return counter

    for k in range(regular):
        i = next_i()
        day = END_DAY - timedelta(days=(k * 97 + 13) % SPAN_DAYS)
        title_spec = _TITLES[rng.randrange(len(_TITLES))]
        title = f"{title_spec.text} ({_PLACES[k % len(_PLACES)]})"
        body = rng.sample(_BODIES, k=rng.randint(2, 4))
        text = " ".join(s.text for s in body)
        sentences = [(title_spec, title)] + [(s, s.text) for s in body]
        _save(conn, _article(i, title, text, day, hour=(k * 7) % 24), carriers[k % 3], sentences)

    for k in range(spike):
        i = next_i()
        day = END_DAY - timedelta(days=k % 7)
        title_spec = _SPIKE[0]
        title = f"{title_spec.text} ({_PLACES[k % len(_PLACES)]})"
        body = [_SPIKE[1], _SPIKE[2], _BODIES[k % len(_BODIES)]]
        text = " ".join(s.text for s in body)
        sentences = [(title_spec, title)] + [(s, s.text) for s in body]
        _save(conn, _article(i, title, text, day, hour=9 + k % 10), carriers[k % 2], sentences)

    # Khmer article: relevant, risk scored, sentiment not scored.
    i = next_i()
    khmer_spec = _Spec(KHMER_TITLE, (("ការតវ៉ា", "unrest_protest", "ការតវ៉ា", 2.0),), (), 0.0)
    body_spec = _Spec(
        "ប៉ូលិសបានចាប់ខ្លួនមនុស្សពីរនាក់.", (("ចាប់ខ្លួន", "arrests_legal", "ចាប់ខ្លួន", 2.0),), (), 0.0
    )
    _save(
        conn,
        _article(i, KHMER_TITLE, body_spec.text, END_DAY - timedelta(days=4), 10, language="km"),
        carriers[0],
        [(khmer_spec, KHMER_TITLE), (body_spec, body_spec.text)],
        language="km",
        scored_sentiment=False,
    )

    # Irrelevant and unscored articles inside the default window: never shown.
    i = next_i()
    irrelevant = _Spec(IRRELEVANT_TITLE)
    _save(
        conn,
        _article(
            i, IRRELEVANT_TITLE, "The home side won two nil.", END_DAY - timedelta(days=1), 12
        ),
        carriers[1],
        [
            (irrelevant, IRRELEVANT_TITLE),
            (_Spec("The home side won two nil."), "The home side won two nil."),
        ],
        relevant=False,
    )
    i = next_i()
    _insert_article(
        conn,
        _article(i, UNSCORED_TITLE, "Not scored yet.", END_DAY - timedelta(days=1), 13),
        carriers[0],
        datetime.combine(END_DAY, datetime.min.time()),
    )

    if hostile_title:
        i = next_i()
        hostile_body = (
            _Spec(
                "Protesters wrote **bold** claims, [click](javascript:alert(3)) and "
                ":red[fake] tags near <b>the</b> court.",
                (("Protesters", "unrest_protest", "protesters", 1.5),),
                (),
                -0.3,
            ),
            _Spec(
                "Police arrested two people; Hun Manet blamed `agitators` and $100 "
                "bribes <img src=y onerror=alert(4)>.",
                (("arrested", "arrests_legal", "arrest", 2.0),),
                (("Hun Manet", "Hun Manet"),),
                -0.6,
            ),
        )
        title_spec = _Spec(
            HOSTILE_TITLE, (("Hostile", "security_military", "hostile", 1.0),), (), -0.5
        )
        text = " ".join(s.text for s in hostile_body)
        sentences = [(title_spec, HOSTILE_TITLE)] + [(s, s.text) for s in hostile_body]
        _save(
            conn,
            _article(i, HOSTILE_TITLE, text, END_DAY - timedelta(days=2), 8, url=HOSTILE_URL),
            carriers[0],
            sentences,
        )
