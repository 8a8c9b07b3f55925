"""feeds.ingest.fetch against real HTTP on loopback, including hostile servers."""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import socket
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from feedserver import FeedServer, RequestRecord

from feeds.config import FetchLimits
from feeds.ingest.fetch import FEED_ACCEPT, PAGE_ACCEPT, Fetcher, FetchResult, parse_retry_after

MiB = 1024 * 1024
LIMITS = FetchLimits(
    connect_timeout=1.0,
    read_timeout=0.5,
    total_timeout=2.0,
    max_bytes=1 * MiB,
    max_redirects=5,
    global_concurrency=8,
    per_host_concurrency=4,
    user_agent="cambodia-risk-tests/1.0 (+https://example.invalid/contact)",
)
RSS = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


def fetch(url: str, limits: FetchLimits = LIMITS, **kwargs) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(limits) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    return asyncio.run(run())


def fetch_many(urls: list[str], limits: FetchLimits = LIMITS) -> list[FetchResult]:
    async def run() -> list[FetchResult]:
        async with Fetcher(limits) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(url) for url in urls))

    return asyncio.run(run())


def timed_fetch(url: str, limits: FetchLimits = LIMITS) -> tuple[FetchResult, float]:
    started = time.monotonic()
    result = fetch(url, limits)
    return result, time.monotonic() - started


def peak_memory_of_fetch(url: str) -> tuple[FetchResult, int]:
    tracemalloc.start()
    try:
        result = fetch(url)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- plain success ------------------------------------------------------------------


def test_200_returns_body_headers_and_timing(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed.xml", RSS, headers={"X-Custom": "yes"})
    result = fetch(url)
    assert result.ok and result.error is None
    assert result.status == 200
    assert result.body == RSS
    assert result.url == result.final_url == url
    assert result.headers["x-custom"] == "yes"
    assert result.headers["content-type"].startswith("application/rss+xml")
    assert all(key == key.lower() for key in result.headers)
    assert not result.not_modified
    assert result.retry_after is None
    assert result.elapsed_ms >= 0


def test_empty_body_is_ok(feed_server: FeedServer) -> None:
    result = fetch(feed_server.add_behaviour("/empty", "empty"))
    assert result.ok and result.body == b""


def test_honest_user_agent_and_accept_headers(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed.xml", RSS)
    page = feed_server.add("/article", b"<html></html>", content_type="text/html")
    assert fetch(url).ok
    assert fetch(page, accept=PAGE_ACCEPT).ok
    (feed_request,) = feed_server.requests("/feed.xml")
    (page_request,) = feed_server.requests("/article")
    assert feed_request["user-agent"] == LIMITS.user_agent
    assert page_request["user-agent"] == LIMITS.user_agent
    assert feed_request["accept"] == FEED_ACCEPT
    assert page_request["accept"] == PAGE_ACCEPT
    assert FEED_ACCEPT.startswith("application/rss+xml") and FEED_ACCEPT.endswith("*/*;q=0.1")
    assert feed_request["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in feed_request and "if-modified-since" not in feed_request


def test_no_cookies_are_kept(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed.xml", RSS, headers={"Set-Cookie": "visitor=42; Path=/"})

    async def run() -> list[FetchResult]:
        async with Fetcher(LIMITS) as fetcher:
            return [await fetcher.fetch(url), await fetcher.fetch(url)]

    results = asyncio.run(run())
    assert all(result.ok for result in results), [r.error for r in results]
    assert all("cookie" not in request for request in feed_server.requests("/feed.xml"))


def test_default_limits_send_the_project_user_agent(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed.xml", RSS)

    async def run() -> FetchResult:
        async with Fetcher() as fetcher:
            return await fetcher.fetch(url)

    assert asyncio.run(run()).ok
    assert feed_server.requests("/feed.xml")[0]["user-agent"] == FetchLimits().user_agent


# --- conditional GET ----------------------------------------------------------------


def test_conditional_get_with_etag(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed.xml", RSS, etag='"v1"')
    first = fetch(url)
    assert first.ok and first.body == RSS and first.etag == '"v1"'

    second = fetch(url, etag=first.etag)
    assert second.ok and second.not_modified
    assert second.status == 304 and second.body is None
    assert second.etag == '"v1"'
    assert feed_server.requests("/feed.xml")[1]["if-none-match"] == '"v1"'


def test_conditional_get_with_last_modified(feed_server: FeedServer) -> None:
    stamp = "Mon, 03 Mar 2025 10:00:00 GMT"
    url = feed_server.add("/feed.xml", RSS, last_modified=stamp)
    first = fetch(url)
    assert first.ok and first.last_modified == stamp

    second = fetch(url, last_modified=stamp)
    assert second.ok and second.not_modified and second.body is None
    assert second.last_modified == stamp
    assert feed_server.requests("/feed.xml")[1]["if-modified-since"] == stamp


def test_changed_feed_answers_200_despite_old_validators(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed.xml", RSS, etag='"v2"')
    result = fetch(url, etag='"v1"')
    assert result.ok and not result.not_modified and result.body == RSS
    assert result.etag == '"v2"'


def test_unsolicited_304_is_an_error(feed_server: FeedServer) -> None:
    result = fetch(feed_server.add("/odd", b"", status=304))
    assert not result.ok and "304" in (result.error or "")


def test_unsafe_stored_validator_is_not_sent(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed.xml", RSS)
    result = fetch(url, etag='"v1"\r\nX-Injected: 1')
    assert result.ok and result.body == RSS
    assert "if-none-match" not in feed_server.requests("/feed.xml")[0]


# --- HTTP errors and Retry-After ------------------------------------------------------


@pytest.mark.parametrize(
    "code, text",
    [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error"), (599, "HTTP 599")],
)
def test_error_statuses_in_plain_words(feed_server: FeedServer, code: int, text: str) -> None:
    result = fetch(feed_server.add_behaviour("/x", "status", code=code, body=b"nope"))
    assert not result.ok
    assert result.status == code
    assert result.error == text
    assert result.body is None


def test_unknown_route_is_404(feed_server: FeedServer) -> None:
    result = fetch(feed_server.url("/missing"))
    assert result.status == 404 and result.error == "HTTP 404 Not Found"


def test_retry_after_seconds(feed_server: FeedServer) -> None:
    result = fetch(feed_server.add_behaviour("/busy", "status", code=503, retry_after=120))
    assert result.error == "HTTP 503 Service Unavailable"
    assert result.retry_after == 120.0
    assert result.headers["retry-after"] == "120"


def test_retry_after_http_date(feed_server: FeedServer) -> None:
    when = datetime.now(UTC) + timedelta(seconds=90)
    stamp = email.utils.format_datetime(when, usegmt=True)
    result = fetch(feed_server.add_behaviour("/slow", "status", code=429, retry_after=stamp))
    assert result.error == "HTTP 429 Too Many Requests"
    assert result.retry_after is not None and 80 <= result.retry_after <= 91


def test_parse_retry_after_forms() -> None:
    now = datetime(2025, 3, 3, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after(" 3600 ") == 3600.0
    assert parse_retry_after("Mon, 03 Mar 2025 10:02:00 GMT", now=now) == 120.0
    assert parse_retry_after("Mon, 03 Mar 2025 09:00:00 GMT", now=now) == 0.0  # past
    for junk in (None, "", "soon", "-5", "1.5", "Mon, 99 Foo 2025"):
        assert parse_retry_after(junk, now=now) is None
    huge = parse_retry_after("9" * 20)
    assert huge is not None and huge < float("inf")


# --- redirects ----------------------------------------------------------------------


def test_redirect_chain_within_limit(feed_server: FeedServer) -> None:
    url = feed_server.add_behaviour("/chain", "redirect_chain", hops=5, body=RSS)
    result = fetch(url)
    assert result.ok and result.body == RSS
    assert result.url == url
    assert result.final_url == feed_server.url("/chain?hop=5")
    assert feed_server.hits("/chain") == 6
    assert all(r["user-agent"] == LIMITS.user_agent for r in feed_server.requests("/chain"))


def test_absolute_redirects_are_followed(feed_server: FeedServer) -> None:
    url = feed_server.add_behaviour("/chain", "redirect_chain", hops=2, absolute=True, body=RSS)
    result = fetch(url)
    assert result.ok and result.body == RSS


def test_hop_gate_wraps_every_hop_and_may_refuse(feed_server: FeedServer) -> None:
    """A caller's per-host rule (the backfill's pause) sees the host each hop contacts."""
    import contextlib

    from feeds.ingest.fetch_errors import Refused

    with FeedServer() as other:
        target = other.add("/feed.xml", RSS)
        start = feed_server.add("/moved", b"", status=301, headers={"Location": target})
        seen: list[str] = []

        @contextlib.asynccontextmanager
        async def gate(url: str):
            seen.append(url)
            if url.endswith("/refused"):
                raise Refused("not this one")
            yield

        result = fetch(start, hop_gate=gate)
        assert result.ok and result.body == RSS and seen == [start, target]
        refused = feed_server.add("/refused", RSS)
        result = fetch(refused, hop_gate=gate)
        assert result.error == "not this one" and feed_server.hits("/refused") == 0


def test_one_redirect_too_many(feed_server: FeedServer) -> None:
    url = feed_server.add_behaviour("/chain", "redirect_chain", hops=6)
    result = fetch(url)
    assert result.error == "too many redirects (more than 5)"
    assert result.status == 302 and result.body is None
    assert feed_server.hits("/chain") == 6  # the sixth Location is never requested


def test_redirect_loop(feed_server: FeedServer) -> None:
    result = fetch(feed_server.add_behaviour("/loop", "redirect_loop", status=301))
    assert result.error is not None and result.error.startswith("redirect loop")
    assert feed_server.hits("/loop") == LIMITS.max_redirects + 1


@pytest.mark.parametrize(
    "location, expected",
    [
        ("ftp://127.0.0.1/feed", "unsupported URL scheme 'ftp'"),
        ("file:///etc/passwd", "unsupported URL scheme 'file'"),
        ("javascript:alert(1)", "redirect to an invalid URL"),
        ("http://[::1", "redirect to an invalid URL"),
    ],
)
def test_redirect_to_other_schemes_refused(
    feed_server: FeedServer, location: str, expected: str
) -> None:
    url = feed_server.add_behaviour("/r", "status", code=302, headers={"Location": location})
    result = fetch(url)
    assert result.error is not None and expected in result.error
    assert result.body is None


def test_redirect_to_a_dead_host_reports_no_status(feed_server: FeedServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/feed"
    url = feed_server.add_behaviour("/r", "status", code=301, headers={"Location": dead})
    result = fetch(url)
    assert result.error == "could not connect: connection refused"
    assert result.final_url == dead
    assert result.status is None and result.headers == {}


def test_redirect_without_location(feed_server: FeedServer) -> None:
    result = fetch(feed_server.add_behaviour("/r", "status", code=302))
    assert result.error == "HTTP 302 Found: redirect without a Location"


# --- timeouts -----------------------------------------------------------------------


def test_stall_after_headers_hits_read_timeout(feed_server: FeedServer) -> None:
    url = feed_server.add_behaviour("/stall", "stall", prefix=b"<rss>")
    result, took = timed_fetch(url)
    assert result.error == "timed out after 0.5s waiting for data"
    assert result.status == 200 and result.body is None
    assert took < 1.5


def test_slow_headers_hit_read_timeout(feed_server: FeedServer) -> None:
    url = feed_server.add("/late", RSS, delay=5)
    result, took = timed_fetch(url)
    assert result.error == "timed out after 0.5s waiting for data"
    assert result.status is None
    assert took < 1.5


def test_trickle_is_cut_off_by_total_timeout(feed_server: FeedServer) -> None:
    # One byte every 0.2 s never trips the 0.5 s read timeout; only the total limit can.
    url = feed_server.add_behaviour("/trickle", "trickle", interval=0.2)
    result, took = timed_fetch(url)
    assert result.error == "timed out after 2s (limit for the whole response)"
    assert result.body is None
    assert 1.8 <= took < 3.0
    assert 1800 <= result.elapsed_ms < 3000


# --- encodings and size limits -------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "rawdeflate"])
def test_compressed_bodies_are_decoded(feed_server: FeedServer, encoding: str) -> None:
    body = RSS * 200
    result = fetch(feed_server.add("/feed.xml", body, encoding=encoding))
    assert result.ok and result.body == body


def test_concatenated_gzip_members(feed_server: FeedServer) -> None:
    wire = gzip.compress(b"<rss>") + gzip.compress(b"</rss>")
    url = feed_server.add("/feed.xml", wire, headers={"Content-Encoding": "gzip"})
    result = fetch(url)
    assert result.ok and result.body == b"<rss></rss>"


@pytest.mark.parametrize("label", ["gzip", "deflate"])
def test_plain_body_labelled_compressed_passes_through(feed_server: FeedServer, label) -> None:
    url = feed_server.add("/feed.xml", RSS, headers={"Content-Encoding": label})
    result = fetch(url)
    assert result.ok and result.body == RSS


def test_corrupt_gzip_is_a_clear_error(feed_server: FeedServer) -> None:
    wire = gzip.compress(RSS * 50)
    broken = wire[:30] + bytes(b ^ 0x5A for b in wire[30:60]) + wire[60:]
    url = feed_server.add("/feed.xml", broken, headers={"Content-Encoding": "gzip"})
    result = fetch(url)
    assert result.error is not None
    assert "gzip" in result.error and result.body is None


def test_truncated_gzip_is_a_clear_error(feed_server: FeedServer) -> None:
    wire = gzip.compress(RSS * 50)[:-20]
    url = feed_server.add("/feed.xml", wire, headers={"Content-Encoding": "gzip"})
    result = fetch(url)
    assert result.error == "the gzip body ended early (truncated or corrupt data)"


def test_unsupported_encoding_is_refused(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed.xml", b"\x0b\x01\x80", headers={"Content-Encoding": "br"})
    result = fetch(url)
    assert result.error == "unsupported content encoding 'br'"


@pytest.mark.parametrize(
    "encoding, transfer",
    [("gzip", "close"), ("gzip", "chunked"), ("deflate", "close"), ("rawdeflate", "chunked")],
)
def test_compression_bomb_stops_at_cap_with_small_memory(
    feed_server: FeedServer, encoding: str, transfer: str
) -> None:
    # 10 GiB of zeros, about 10 MB on the wire.
    url = feed_server.add_behaviour(
        "/bomb", "gzip_bomb", size=10 * 1024**3, encoding=encoding, transfer=transfer
    )
    started = time.monotonic()
    result, peak = peak_memory_of_fetch(url)
    assert result.error == "response larger than 1.0 MiB (limit)"
    assert result.body is None
    assert peak < 3 * LIMITS.max_bytes, f"peak {peak / MiB:.1f} MiB"
    assert time.monotonic() - started < 2.0


def test_huge_body_with_length_is_refused_before_reading(feed_server: FeedServer) -> None:
    url = feed_server.add_behaviour("/huge", "huge", size_mb=50)
    result, peak = peak_memory_of_fetch(url)
    assert result.error == "response larger than 1.0 MiB (limit): the server announced 50.0 MiB"
    assert peak < LIMITS.max_bytes


@pytest.mark.parametrize("transfer", ["close", "chunked"])
def test_huge_body_without_length_stops_at_cap(feed_server: FeedServer, transfer: str) -> None:
    url = feed_server.add_behaviour("/huge", "huge", size_mb=50, transfer=transfer)
    result, peak = peak_memory_of_fetch(url)
    assert result.error == "response larger than 1.0 MiB (limit)"
    assert peak < 3 * LIMITS.max_bytes


def test_body_exactly_at_cap_is_accepted(feed_server: FeedServer) -> None:
    at_cap = feed_server.add_behaviour("/at", "random_bytes", size=LIMITS.max_bytes)
    over = feed_server.add_behaviour("/over", "random_bytes", size=LIMITS.max_bytes + 1)
    assert len(fetch(at_cap).body or b"") == LIMITS.max_bytes
    assert fetch(over).error == (
        f"response larger than 1.0 MiB (limit): the server announced {LIMITS.max_bytes + 1} bytes"
    )


# --- concurrency ----------------------------------------------------------------------


def _most_at_once(records: list[RequestRecord]) -> int:
    events = []
    for record in records:
        assert record.finished is not None
        events += [(record.started, 1), (record.finished, -1)]
    current = peak = 0
    for _, step in sorted(events, key=lambda event: (event[0], event[1])):
        current += step
        peak = max(peak, current)
    return peak


def test_per_host_limit(feed_server: FeedServer) -> None:
    urls = [feed_server.add(f"/f{i}", RSS, delay=0.15) for i in range(8)]
    limits = FetchLimits(**{**LIMITS.__dict__, "per_host_concurrency": 2})
    results = fetch_many(urls, limits)
    assert all(result.ok for result in results)
    assert feed_server.max_in_flight == 2


def test_global_limit_across_hosts(feed_server: FeedServer) -> None:
    limits = FetchLimits(**{**LIMITS.__dict__, "global_concurrency": 3, "per_host_concurrency": 2})
    with FeedServer() as second, FeedServer() as third:
        servers = [feed_server, second, third]
        urls = [s.add(f"/f{i}", RSS, delay=0.15) for s in servers for i in range(4)]
        results = fetch_many(urls, limits)
        assert all(result.ok for result in results)
        assert _most_at_once([r for s in servers for r in s.log]) == 3
        assert all(s.max_in_flight <= 2 for s in servers)


# --- connection trouble -----------------------------------------------------------------


def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = fetch(f"http://127.0.0.1:{port}/feed.xml")
    assert result.error == "could not connect: connection refused"
    assert result.status is None and result.body is None


def test_dropped_connection(feed_server: FeedServer) -> None:
    result = fetch(feed_server.add_behaviour("/drop", "drop"))
    assert result.error == "the server closed the connection without sending a response"
    assert result.status is None


def test_non_http_answer(feed_server: FeedServer) -> None:
    result = fetch(feed_server.add_behaviour("/garbage", "garbage"))
    assert result.error is not None and result.error.startswith("the server broke the HTTP")


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "not a url", "http://"])
def test_bad_urls_are_errors_not_exceptions(url: str) -> None:
    result = fetch(url)
    assert not result.ok and result.status is None


def test_fetch_outside_context_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError):
        asyncio.run(Fetcher(LIMITS).fetch("http://127.0.0.1:9/"))


def test_stop_is_prompt_while_handlers_hang() -> None:
    server = FeedServer().start()
    server.add_behaviour("/stall", "stall")
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(b"GET /stall HTTP/1.1\r\nHost: x\r\n\r\n")
        conn.recv(100)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1.0
