"""Parsing: dates, encodings, bozo feeds, and the real-world corpora in ../shared/corpora."""

import io
import re
from datetime import datetime

import feedparser
import pytest
from rss_support import CORPORA

from feeds.ingest.parse import parse_date, parse_feed

NOW = datetime(2026, 11, 28, 12, 0, 0)

needs_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora not present")


def _laughs() -> bytes:
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return (
        f'<?xml version="1.0"?><!DOCTYPE r [{"".join(levels)}]><rss version="2.0">'
        f"<channel><title>&l9;</title><item><title>&l9;</title>"
        f"<link>https://example.org/a</link></item></channel></rss>"
    ).encode()


BILLION_LAUGHS = _laughs()


def rss(items: str, extra: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>T</title>{extra}{items}</channel></rss>"
    ).encode()


def test_plain_rss_entry():
    feed = parse_feed(
        rss(
            "<item><title>Troops &amp; tanks</title><link>https://example.org/a</link>"
            "<guid>g1</guid><pubDate>Mon, 03 Jul 2023 10:00:00 +0700</pubDate>"
            "<description>&lt;p&gt;Hello &lt;b&gt;there&lt;/b&gt;&lt;/p&gt;</description></item>",
            "<language>en-us</language>",
        ),
        {},
        NOW,
    )
    assert feed.error is None
    [entry] = feed.entries
    assert entry.title == "Troops & tanks"
    assert entry.link == "https://example.org/a" and entry.guid == "g1"
    assert entry.published_at == datetime(2023, 7, 3, 3, 0, 0)  # converted to UTC
    assert not entry.published_estimated
    assert entry.language == "en"
    assert "<b>there</b>" in entry.summary  # raw summary kept as received


def test_missing_and_unparseable_dates_are_estimated():
    feed = parse_feed(
        rss(
            "<item><title>a</title><link>https://example.org/a</link></item>"
            "<item><title>b</title><link>https://example.org/b</link>"
            "<pubDate>sometime last week</pubDate></item>"
            "<item><title>c</title><link>https://example.org/c</link>"
            "<pubDate>Thu, 01 Jan 2099 00:00:00 GMT</pubDate></item>"
        ),
        {},
        NOW,
    )
    assert [e.published_estimated for e in feed.entries] == [True, True, True]
    assert all(e.published_at == NOW for e in feed.entries)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thu,28 Jul 2022 4:35:5 GMT+9", datetime(2022, 7, 27, 19, 35, 5)),
        ("Seg, 24 Set 2018 19:42:40 -0300", datetime(2018, 9, 24, 22, 42, 40)),
        ("12 janv. 2020 10:00 UTC", datetime(2020, 1, 12, 10, 0)),
        ("Mi, 3 Mär 2021 08:00:00 +0100", datetime(2021, 3, 3, 7, 0)),
        ("2023-07-23 18:00 ICT", datetime(2023, 7, 23, 11, 0)),
        ("yesterday", None),
        ("12 March", None),  # no year: refuse rather than guess
    ],
)
def test_second_date_parser(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        (b"", {}, "empty response"),
        (b"   \n", {}, "empty response"),
        (
            b"<!DOCTYPE html><html><body><p>Welcome</p></body></html>",
            {"content-type": "text/html"},
            "not a feed: the server sent an HTML page",
        ),
        (bytes(range(256)) * 8, {}, "not a feed"),
    ],
)
def test_unusable_documents_get_plain_errors(body, headers, message):
    feed = parse_feed(body, headers, NOW)
    assert feed.entries == []
    assert feed.error is not None and feed.error.startswith(message)


def test_entity_expansion_is_refused():
    feed = parse_feed(BILLION_LAUGHS, {}, NOW)
    # The entry survives, but the entities are never expanded.
    assert [e.link for e in feed.entries] == ["https://example.org/a"]
    assert len(feed.entries[0].title) < 100


def test_bozo_feed_with_entries_keeps_them():
    body = rss(
        "<item><title>Broken &nbsp; entity</title><link>https://example.org/a</link>"
        "</item><item><title>Two</title><link>https://example.org/b</link></item>"
    )
    feed = parse_feed(body, {}, NOW)
    assert feed.error is None
    assert [e.link for e in feed.entries] == ["https://example.org/a", "https://example.org/b"]
    assert feed.warning and "entries kept" in feed.warning


def test_entry_without_link_or_id_is_not_stored_but_id_only_is():
    items = (
        "<item><title>nothing</title></item>"
        "<item><title>id only</title><guid isPermaLink='false'>x-1</guid></item>"
    )
    feed = parse_feed(rss(items), {}, NOW)
    assert [(e.link, e.guid) for e in feed.entries] == [(None, "x-1")]


def test_title_markup_becomes_text():
    feed = parse_feed(
        rss(
            "<item><title>&lt;b&gt;Bold&lt;/b&gt; &amp;amp; co</title>"
            "<link>https://example.org/a</link></item>"
        ),
        {},
        NOW,
    )
    assert feed.entries[0].title == "Bold & co"


def test_header_charset_decodes_body():
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item>'
        "<title>Ангкор Ват</title><link>https://example.org/a</link></item></channel></rss>"
    ).encode("windows-1251")
    feed = parse_feed(body, {"Content-Type": "application/rss+xml; charset=windows-1251"}, NOW)
    assert feed.entries[0].title == "Ангкор Ват"


# --- the shared corpora ----------------------------------------------------------------


def _raw_keepable(body: bytes, headers: dict) -> int:
    """How many entries feedparser itself finds with a link or an id."""
    raw = feedparser.parse(io.BytesIO(body), response_headers=headers)
    return sum(
        1
        for e in raw.entries
        if re.match(r"^\s*https?://", e.get("link") or "") or (e.get("id") or "").strip()
    )


def _corpus_headers(body: bytes) -> dict:
    head = body[:2000].decode("latin-1")
    comment = re.search(r"<!--(.*?)-->", head, re.S)
    headers = {}
    if comment:
        for name, value in re.findall(
            r"^\s*Header:\s*([\w-]+):\s*(.*?)\s*$", comment.group(1), re.M
        ):
            headers[name.lower()] = value
    return headers


def _corpus_files(*folders):
    if not CORPORA.is_dir():
        return []
    files = []
    for folder in folders:
        files += sorted(
            p for p in (CORPORA / folder).rglob("*") if p.is_file() and p.suffix != ".md"
        )
    return files


@needs_corpora
@pytest.mark.corpora
@pytest.mark.parametrize("path", _corpus_files("real-feeds"), ids=lambda p: p.name)
def test_real_feed_loses_nothing_and_dates_everything(path):
    body = path.read_bytes()
    feed = parse_feed(body, {}, NOW)
    assert feed.error is None, feed.error
    assert len(feed.entries) == _raw_keepable(body, {}) > 0
    for entry in feed.entries:
        assert isinstance(entry.published_at, datetime)
        assert entry.link or entry.guid
        assert "\ufffd" not in entry.title, entry.title  # no undecodable bytes left
        assert not re.search("Ã[\u0080-\u00bf]", entry.title), entry.title  # no mojibake


@needs_corpora
@pytest.mark.corpora
@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("miniflux_encoding_WINDOWS-1251.xml", re.compile("[а-яА-Я]{3}")),
        ("miniflux_encoding_ISO-8859-1.xml", re.compile("[äöüßÄÖÜ]")),
        ("miniflux_no_encoding_ISO-8859-1.xml", re.compile("[éèàç]")),
        ("rssparser_encoding-gb2312.xml", re.compile("[\u4e00-\u9fff]{2}")),
        ("rssparser_uolNoticias.rss", re.compile("[ãçéíóõú]")),
        ("miniflux_urdu_UTF8.xml", re.compile("[\u0600-\u06ff]{3}")),
        ("vanpho93_vnexpress_tin-moi-nhat_2017-07-26.rss", re.compile("[ạảấầẩậắằẳẵặẹẻẽếềểễệ]")),
    ],
)
def test_real_feed_encodings_become_unicode(name, needle):
    feed = parse_feed((CORPORA / "real-feeds" / name).read_bytes(), {}, NOW)
    text = " ".join(e.title + " " + e.summary for e in feed.entries)
    assert needle.search(text), text[:300]


@needs_corpora
@pytest.mark.corpora
@pytest.mark.parametrize(
    ("name", "least_dated"),
    [
        ("mediacloud_real-korean-times.rss", 195),  # GMT+9 dates feedparser gives up on
        ("rssparser_uolNoticias.rss", 15),  # Portuguese month and day names
    ],
)
def test_second_parser_rescues_real_dates(name, least_dated):
    feed = parse_feed((CORPORA / "real-feeds" / name).read_bytes(), {}, NOW)
    assert sum(not e.published_estimated for e in feed.entries) >= least_dated


@needs_corpora
@pytest.mark.corpora
def test_feed_without_dates_is_flagged_estimated():
    feed = parse_feed((CORPORA / "real-feeds" / "miniflux_rdf_UTF8.xml").read_bytes(), {}, NOW)
    assert feed.entries and all(e.published_estimated for e in feed.entries)


@needs_corpora
@pytest.mark.corpora
@pytest.mark.parametrize(
    "path",
    _corpus_files(
        "feedparser-tests/wellformed",
        "feedparser-tests/illformed",
        "feedparser-tests/encoding",
        "feedparser-tests/entities",
    ),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_feedparser_corpus_never_crashes_or_loses(path):
    body = path.read_bytes()
    headers = _corpus_headers(body)
    feed = parse_feed(body, headers, NOW)
    # Empty test documents are allowed to be "not a feed"; any entry with a link or id
    # that feedparser found must survive.
    assert len(feed.entries) == _raw_keepable(body, headers)
    for entry in feed.entries:
        assert isinstance(entry.published_at, datetime)
        assert isinstance(entry.title, str) and isinstance(entry.summary, str)
