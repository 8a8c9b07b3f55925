"""Checks on the demo corpus (data/demo/) and the default feeds list (data/feeds.toml).

The demo corpus is hand-written RSS: seven fictional "Demo · ..." outlets summarising
real, dated events. These tests pin down what the rest of the project relies on: every
file parses cleanly, items carry the fields ingest needs, the corpus spans years, the
deliberate test cases (Khmer items, non-Cambodia items, syndicated duplicates) are there,
and the dashboard's default window (the last 90 days) is dense enough to show trends:
the corpus is loaded through the real pipeline into a SQLite file and counted there.
Nothing here touches the network.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from itertools import combinations
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import feedparser
import pytest
from sqlalchemy import select

from dashboard.filters import DEFAULT_WINDOW_DAYS as WINDOW_DAYS
from feeds import store
from feeds.config import PROJECT_ROOT, DedupPolicy, Settings, load_feeds
from feeds.demo import load_demo
from feeds.store import schema

DATA = PROJECT_ROOT / "data"
DEMO = DATA / "demo"
DEMO_TOML = DEMO / "demo.toml"
FEEDS_TOML = DATA / "feeds.toml"

KHMER_RE = re.compile("[\u1780-\u17ff]")
# Enough to tell a Cambodia story from regional news elsewhere; every Cambodia item in
# the demo names at least one of these.
CAMBODIA_TERMS = (
    "cambodia",
    "khmer",
    "phnom penh",
    "hun sen",
    "hun manet",
    "kem sokha",
    "sam rainsy",
    "cnrp",
)
QUOTE_CHARS = '"\u201c\u201d\u00ab\u00bb'
TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid)$")


def _text(entry) -> str:
    return f"{entry.get('title', '')} {entry.get('summary', '')}"


def _is_khmer(entry) -> bool:
    return bool(KHMER_RE.search(_text(entry)))


def _about_cambodia(entry) -> bool:
    text = _text(entry).lower()
    return _is_khmer(entry) or any(term in text for term in CAMBODIA_TERMS)


def _norm_title(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.casefold()))


def _shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def _jaccard(a: str, b: str) -> float:
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / len(sa | sb)


def _canonical_url(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if not TRACKING_PARAMS.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _published(entry) -> datetime:
    return parsedate_to_datetime(entry.published)


@pytest.fixture(scope="module")
def demo_feeds():
    return load_feeds(DEMO_TOML)


@pytest.fixture(scope="module")
def parsed() -> dict[str, feedparser.FeedParserDict]:
    files = sorted(DEMO.glob("*.xml"))
    assert files, f"no demo feed files in {DEMO}"
    return {path.name: feedparser.parse(path.read_bytes()) for path in files}


@pytest.fixture(scope="module")
def items(parsed) -> list[tuple[str, feedparser.FeedParserDict]]:
    return [(name, entry) for name, feed in parsed.items() for entry in feed.entries]


# --- files and channels -----------------------------------------------------------------


def test_every_file_parses_cleanly(parsed):
    for name, feed in parsed.items():
        assert not feed.bozo, f"{name}: {feed.get('bozo_exception')}"
        assert feed.version == "rss20", name
        assert feed.encoding.lower() == "utf-8", name


def test_files_declare_utf8():
    for path in DEMO.glob("*.xml"):
        head = path.read_bytes()[:60]
        assert head.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), path.name
        path.read_bytes().decode("utf-8")  # raises if not UTF-8


def test_channels_are_labelled_as_demo(parsed):
    for name, feed in parsed.items():
        channel = feed.feed
        assert channel.title.startswith("Demo · "), name
        assert "Demo data written for the Cambodia Risk Monitor" in channel.description, name
        assert "not a real news source" in channel.description, name
        assert urlsplit(channel.link).hostname.endswith(".example.org"), name
        assert channel.language in {"en", "km"}, name


def test_demo_toml_matches_files(parsed, demo_feeds):
    names = [feed.name for feed in demo_feeds]
    assert len(names) == len(set(names))
    listed = {}
    for feed in demo_feeds:
        assert feed.name.startswith("Demo · "), feed.name
        parts = urlsplit(feed.url)
        assert parts.scheme == "https" and parts.hostname == "demo.example.org", feed.url
        file_name = parts.path.rsplit("/", 1)[-1]
        assert (DEMO / file_name).is_file(), f"{feed.name}: no file {file_name}"
        assert feed.full_text is False and feed.enabled is True, feed.name
        listed[file_name] = feed
    assert set(listed) == set(parsed), "demo.toml and data/demo/*.xml disagree"
    for file_name, feed in listed.items():
        channel = parsed[file_name].feed
        assert channel.title == feed.name, file_name
        assert channel.language == feed.language, file_name


# --- items --------------------------------------------------------------------------------


def test_size_and_sources(parsed, items):
    assert len(parsed) >= 7
    assert len(items) >= 500
    for name, feed in parsed.items():
        assert len(feed.entries) >= 20, f"{name} has only {len(feed.entries)} items"


def test_every_item_has_the_fields_ingest_needs(items):
    guids, links = set(), set()
    for name, entry in items:
        where = f"{name}: {entry.get('title')!r}"
        assert entry.get("title", "").strip(), where
        assert entry.get("summary", "").strip(), where
        link = urlsplit(entry.get("link", ""))
        assert link.scheme == "https", where
        assert link.hostname == "example.org" or link.hostname.endswith(".example.org"), where
        assert entry.get("id"), where
        assert entry.get("published_parsed"), where
        assert entry.id not in guids, f"{where}: guid repeats"
        assert entry.link not in links, f"{where}: link repeats"
        guids.add(entry.id)
        links.add(entry.link)


def test_pubdates_are_rfc822_with_zone(items):
    for name, entry in items:
        when = _published(entry)  # RFC 822 / 2822, as RSS 2.0 requires
        assert when.tzinfo is not None, f"{name}: {entry.published}"
        assert when < datetime(2026, 1, 1, tzinfo=UTC), f"{name}: {entry.published}"


def test_corpus_spans_years(items):
    dates = [_published(entry) for _, entry in items]
    assert max(dates) - min(dates) >= timedelta(days=365)
    years = {d.year for d in dates}
    assert set(range(2017, 2026)) <= years, f"years missing: {set(range(2017, 2026)) - years}"


def test_descriptions_are_short_plain_summaries(items):
    for name, entry in items:
        text = entry.summary
        assert "<" not in text and ">" not in text, f"{name}: markup in {entry.title!r}"
        if _is_khmer(entry):
            sentences = text.count("\u17d4")  # Khmer full stop
        else:
            sentences = len(re.findall(r"[.!?](?=\s|$)", text))
        assert 2 <= sentences <= 5, f"{name}: {sentences} sentences in {entry.title!r}"


def test_no_quotation_marks(items):
    # The demo paraphrases; it never puts words in anyone's mouth.
    for name, entry in items:
        for char in QUOTE_CHARS:
            assert char not in _text(entry), f"{name}: quotation mark in {entry.title!r}"


def test_khmer_items(parsed, items):
    khmer = [(name, entry) for name, entry in items if KHMER_RE.search(entry.title)]
    assert len(khmer) >= 25
    for name, entry in khmer:
        assert parsed[name].feed.language == "km", f"{name}: Khmer item in non-km feed"
        assert KHMER_RE.search(entry.summary), f"{name}: {entry.title!r}"
    text = " ".join(_text(entry) for _, entry in khmer)
    for word in ("កម្ពុជា", "ហ៊ុន សែន", "ហ៊ុន ម៉ាណែត", "កឹម សុខា", "ព្រំដែន", "ចាប់ខ្លួន"):
        assert word in text, word


def test_non_cambodia_items_exist_only_where_the_filter_runs(items, demo_feeds):
    relevant_by_file = {
        urlsplit(feed.url).path.rsplit("/", 1)[-1]: feed.always_relevant for feed in demo_feeds
    }
    outside = [(name, entry) for name, entry in items if not _about_cambodia(entry)]
    assert len(outside) >= 15
    for name, entry in outside:
        assert not relevant_by_file[name], f"{name} is always_relevant but has {entry.title!r}"
        assert "cambod" not in _text(entry).lower(), entry.title


def test_vocabulary_the_scoring_looks_for(items):
    text = " ".join(_text(entry) for _, entry in items).lower()
    actors = [
        "Hun Sen",
        "Hun Manet",
        "Kem Sokha",
        "Sam Rainsy",
        "Mu Sochua",
        "Sar Kheng",
        "Tea Banh",
        "CPP",
        "CNRP",
        "Candlelight Party",
        "National Election Commission",
        "Supreme Court",
        "European Union",
        "United States",
        "China",
        "Thailand",
        "Vietnam",
        "Japan",
        "UN ",
        "ASEAN",
        "Human Rights Watch",
        "Amnesty International",
        "LICADHO",
        "ADHOC",
        "Samdech",
    ]
    risk = [
        "troops",
        "soldiers",
        "deployed",
        "sanctions",
        "tariff",
        "arrested",
        "detained",
        "charged",
        "convicted",
        "treason",
        "incitement",
        "protest",
        "strike",
        "dissolved",
        "banned",
        "exile",
        "election",
        "land dispute",
        "eviction",
        "journalist",
        "licence revoked",
    ]
    missing = [word for word in actors + risk if word.lower() not in text]
    assert not missing, f"never mentioned: {missing}"


# --- duplicates ---------------------------------------------------------------------------


def _same_story_pairs(items):
    window = timedelta(days=DedupPolicy().window_days)
    pairs = []
    for (name_a, a), (name_b, b) in combinations(items, 2):
        if _norm_title(a.title) == _norm_title(b.title) and (
            abs(_published(a) - _published(b)) <= window
        ):
            pairs.append(((name_a, a), (name_b, b)))
    return pairs


def test_syndicated_duplicates(items):
    threshold = DedupPolicy().min_text_similarity
    pairs = _same_story_pairs(items)
    cross = [p for p in pairs if p[0][0] != p[1][0]]
    same = [p for p in pairs if p[0][0] == p[1][0]]
    assert len(cross) >= 12, f"only {len(cross)} cross-feed duplicates"
    assert len(same) >= 2, f"only {len(same)} same-feed re-publications"
    tracking_only = 0
    for (name_a, a), (name_b, b) in pairs:
        where = f"{a.title!r} ({name_a} / {name_b})"
        assert a.link != b.link and a.id != b.id, where
        assert _jaccard(a.summary, b.summary) >= threshold, where
        if _canonical_url(a.link) == _canonical_url(b.link):
            tracking_only += 1
    # Both kinds: URLs that differ only by tracking parameters, and different hosts/paths.
    assert tracking_only >= 5
    assert len(pairs) - tracking_only >= 5
    for (_, a), (_, b) in same:
        assert _canonical_url(a.link) == _canonical_url(b.link), a.title
        assert a.summary == b.summary, a.title


def test_no_accidental_near_duplicates(items):
    # Only the deliberate duplicates (same title) may look alike; anything else within the
    # dedup window must be clearly different, so the demo's duplicate count is exact.
    window = timedelta(days=DedupPolicy().window_days)
    for (_, a), (_, b) in combinations(items, 2):
        if _norm_title(a.title) == _norm_title(b.title):
            continue
        if abs(_published(a) - _published(b)) > window:
            continue
        assert _jaccard(a.summary, b.summary) < 0.5, f"{a.title!r} ~ {b.title!r}"


# --- the default (production) feeds list ------------------------------------------------


def test_default_feeds_list_loads():
    feeds = load_feeds(FEEDS_TOML)
    assert len(feeds) >= 10
    languages = {feed.language for feed in feeds}
    assert {"en", "km"} <= languages
    for feed in feeds:
        parts = urlsplit(feed.url)
        assert parts.scheme == "https", feed.name
        assert not parts.hostname.endswith("example.org"), feed.name
        assert feed.language, f"{feed.name}: language not set"
    names = " | ".join(feed.name for feed in feeds)
    for outlet in (
        "Khmer Times",
        "Phnom Penh Post",
        "Cambodianess",
        "Kiripost",
        "CamboJA",
        "Radio Free Asia Khmer",
        "VOA Khmer",
        "Asia Times",
        "The Diplomat",
        "Google News",
    ):
        assert outlet in names, outlet
    camboja = [feed for feed in feeds if "CamboJA" in feed.name]
    assert {feed.language for feed in camboja} == {"en", "km"}


def test_default_feeds_google_news_queries():
    feeds = load_feeds(FEEDS_TOML)
    google = [feed for feed in feeds if urlsplit(feed.url).hostname == "news.google.com"]
    queries = {}
    for feed in google:
        params = dict(parse_qsl(urlsplit(feed.url).query))
        queries[feed.language] = unquote(params["q"])
        assert feed.full_text is False, feed.name  # links are Google redirect pages
    assert queries == {"en": "Cambodia", "km": "កម្ពុជា"}


def test_default_feeds_list_is_honest_about_verification():
    text = FEEDS_TOML.read_text(encoding="utf-8")
    feeds = load_feeds(FEEDS_TOML)
    notes = text.count("not reachable from the build machine (no internet)")
    # One note per feed, plus the one quoted in the header.
    assert notes >= len(feeds) + 1
    assert "last checked: 2026-11-30" in text
    # and says how sure the evidence is
    entries = text.split("[[feeds]]")[1:]
    assert all(re.search(r"\b(CONFIRMED|LIKELY|DEAD)\b", entry) for entry in entries)


def test_demo_and_default_lists_are_separate(demo_feeds):
    default_urls = {feed.url for feed in load_feeds(FEEDS_TOML)}
    assert not default_urls & {feed.url for feed in demo_feeds}
    assert Path(DEMO_TOML).parent == DEMO


# --- the default window: what a new user sees first ---------------------------------------

MIN_RELEVANT, MIN_SOURCES, MIN_PROVINCES = 150, 6, 12


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Every stored article (duplicates folded) after `cambodia-risk demo`, as dicts, each
    with ``provinces``: the ISO codes of its stored place mentions that count."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    settings = Settings(db_url=f"sqlite:///{db}", workers=0)
    load_demo(settings)
    engine = store.make_engine(settings.db_url)
    try:
        with engine.connect() as conn:
            a, pm = schema.articles, schema.place_mentions
            rows = conn.execute(
                select(a.c.id, a.c.title, a.c.summary, a.c.source, a.c.published_day,
                       a.c.relevant, a.c.language)
            ).mappings().all()
            provinces: dict[int, set[str]] = {}
            for article_id, province in conn.execute(
                select(pm.c.article_id, pm.c.province).where(pm.c.counts.is_(True))
            ):
                provinces.setdefault(article_id, set()).add(province)
    finally:
        engine.dispose()
    return [dict(row, provinces=provinces.get(row["id"], set())) for row in rows]


@pytest.fixture(scope="module")
def window(loaded):
    # As the dashboard does: the window ends on the newest relevant article's day.
    end = max(row["published_day"] for row in loaded if row["relevant"])
    start = end - timedelta(days=WINDOW_DAYS - 1)
    return [row for row in loaded if start <= row["published_day"] <= end]


def test_default_window_is_dense(window):
    relevant = [row for row in window if row["relevant"]]
    sources = {row["source"] for row in relevant}
    assert len(relevant) >= MIN_RELEVANT, f"{len(relevant)} relevant articles in the window"
    assert len(sources) >= MIN_SOURCES, f"relevant articles from {sorted(sources)} only"
    # the provinces the map shows: through the stored place mentions that count
    provinces = Counter(code for row in relevant for code in row["provinces"])
    assert len(provinces) >= MIN_PROVINCES, f"articles about {sorted(provinces)} only"
    # Not one story repeated: no province (not even the capital) holds most of the news,
    # and the window spreads over its whole length.
    assert provinces.most_common(1)[0][1] < len(relevant) / 2
    weeks = {row["published_day"].isocalendar()[:2] for row in relevant}
    assert len(weeks) >= 12


def test_default_window_keeps_the_test_cases(window, items):
    # The first screen also shows what the filters do: Khmer articles, irrelevant ones.
    assert sum(1 for row in window if row["language"] == "km") >= 10
    assert sum(1 for row in window if not row["relevant"]) >= 5
    end = max(row["published_day"] for row in window if row["relevant"])
    start = end - timedelta(days=WINDOW_DAYS - 1)
    in_window = [
        (name, entry) for name, entry in items
        if start <= _published(entry).astimezone(UTC).date() <= end
    ]
    assert len(_same_story_pairs(in_window)) >= 6


def test_a_year_at_realistic_density(items):
    # Twelve calendar months up to the last one, each with a steady flow of items, so the
    # long view shows a trend rather than a few dots.
    per_month = Counter(
        (d.year, d.month) for d in (_published(entry).astimezone(UTC) for _, entry in items)
    )
    year, month = max(per_month)
    months = []
    for _ in range(12):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    thin = {m: per_month[m] for m in months if per_month[m] < 10}
    assert not thin, f"months with fewer than 10 items: {thin}"
    assert sum(n for (y, _m), n in per_month.items() if y >= 2024) >= 300


def test_loading_twice_adds_nothing(tmp_path):
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'twice.db'}", workers=0)
    first = load_demo(settings)
    second = load_demo(settings)
    assert first.new_articles >= 450
    assert second.new_articles == 0
