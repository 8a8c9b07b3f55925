"""The private-network policy: which addresses the fetcher may connect to.

Over real loopback HTTP. 127.0.0.2 stands for an allowed private network and
127.0.0.1 for everything the policy must keep the job away from; each refusal test has
a twin that allows the address and shows the same request then gets through, so a
refusal cannot come from something else (a typo, a dead server).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from dataclasses import replace

import pytest
from click.testing import CliRunner
from feedserver import FeedServer
from rss_support import item, rss
from sqlalchemy import select

from feeds import store
from feeds.cli import cli
from feeds.config import ENV_ALLOW_PRIVATE, FetchLimits
from feeds.ingest.fetch import Fetcher
from feeds.ingest.netpolicy import AddressPolicy
from feeds.store import schema

LIMITS = FetchLimits(connect_timeout=2, read_timeout=2, total_timeout=4)
ONLY_127_0_0_2 = (ipaddress.ip_network("127.0.0.2/32"),)
ALL_LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
LOOPBACK_1 = "refused: resolves to a loopback address 127.0.0.1"


def fetch(urls: list[str], allow=None):
    async def go():
        async with Fetcher(replace(LIMITS, allow_private=allow)) as fetcher:
            return [await fetcher.fetch(url) for url in urls]

    return asyncio.run(go())


@pytest.fixture
def inside():
    """A server on 127.0.0.1: the internal service a feed must not reach."""
    with FeedServer("127.0.0.1") as server:
        server.add("/secret", b"<rss><channel><title>internal</title></channel></rss>")
        yield server


@pytest.fixture
def allowed():
    """A server on 127.0.0.2: the private network the operator allowed."""
    with FeedServer("127.0.0.2") as server:
        yield server


@pytest.mark.parametrize(("address", "why"), [
    ("127.0.0.1", "a loopback address 127.0.0.1"),
    ("10.1.2.3", "a private address 10.1.2.3"),
    ("192.168.0.10", "a private address 192.168.0.10"),
    ("169.254.169.254", "a link-local address 169.254.169.254"),
    ("224.0.0.1", "a multicast address 224.0.0.1"),
    ("0.0.0.0", "an unspecified address 0.0.0.0"),
    ("240.0.0.1", "a reserved address 240.0.0.1"),
    ("100.64.0.1", "a non-public address 100.64.0.1"),
    ("::1", "a loopback address ::1"),
    ("::", "an unspecified address ::"),
    ("fe80::1", "a link-local address fe80::1"),
    ("fd00::2", "a private address fd00::2"),
    ("ff02::1", "a multicast address ff02::1"),
    ("::ffff:127.0.0.1", "a loopback address ::ffff:7f00:1 (127.0.0.1)"),
    ("::ffff:a9fe:a9fe", "a link-local address ::ffff:a9fe:a9fe (169.254.169.254)"),
    ("2002:a00:1::1", "a private address 2002:a00:1::1 (10.0.0.1)"),  # 6to4
])
def test_non_public_addresses_are_refused_in_plain_words(address, why):
    assert AddressPolicy().refusal(ipaddress.ip_address(address)) == f"refused: resolves to {why}"


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses_pass(address):
    assert AddressPolicy().refusal(ipaddress.ip_address(address)) is None


def test_allowed_networks_cover_their_ipv4_mapped_forms():
    policy = AddressPolicy([ipaddress.ip_network("10.0.0.0/8")])
    assert policy.refusal(ipaddress.ip_address("10.9.8.7")) is None
    assert policy.refusal(ipaddress.ip_address("::ffff:10.9.8.7")) is None
    assert policy.refusal(ipaddress.ip_address("11.0.0.1")) is None  # public anyway
    assert policy.refusal(ipaddress.ip_address("192.168.1.1")).startswith("refused:")


LOOPBACK_SPELLINGS = ["127.0.0.1", "127.1", "0x7f000001", "2130706433", "localhost",
                      "feeds.localhost", "LocalHost."]


def test_every_spelling_of_loopback_is_refused_before_connecting(inside):
    urls = [f"http://{host}:{inside.port}/secret" for host in LOOPBACK_SPELLINGS]
    results = fetch(urls, allow=ONLY_127_0_0_2)
    assert [r.error for r in results] == [LOOPBACK_1] * len(urls)
    assert inside.hits("/secret") == 0
    # The same URLs where loopback is allowed: each reaches the server, so the refusals
    # above came from the policy. (feeds.localhost resolves without DNS, RFC 6761.)
    results = fetch(urls, allow=ALL_LOOPBACK)
    assert [r.status for r in results] == [200] * len(urls)
    assert inside.hits("/secret") == len(urls)


def test_ipv6_loopback_and_ipv4_mapped_loopback_are_refused(inside):
    with FeedServer("::1") as six:
        six.add("/secret", b"internal")
        urls = [six.url("/secret"), f"http://[::ffff:127.0.0.1]:{inside.port}/secret"]
        refused = fetch(urls, allow=ONLY_127_0_0_2)
        assert [r.error for r in refused] == [
            "refused: resolves to a loopback address ::1",
            "refused: resolves to a loopback address ::ffff:7f00:1 (127.0.0.1)",
        ]
        assert six.hits("/secret") == 0 and inside.hits("/secret") == 0
        assert [r.status for r in fetch(urls, allow=ALL_LOOPBACK)] == [200, 200]


def test_a_redirect_from_an_allowed_host_to_a_refused_one_is_stopped(inside, allowed):
    allowed.add("/go", b"", status=302, headers={"Location": inside.url("/secret")})
    allowed.add("/stay", b"", status=302, headers={"Location": allowed.url("/page")})
    allowed.add("/page", b"<html>fine</html>", content_type="text/html")
    go, stay = fetch([allowed.url("/go"), allowed.url("/stay")], allow=ONLY_127_0_0_2)
    assert go.error == LOOPBACK_1 and go.final_url == inside.url("/secret")
    assert allowed.hits("/go") == 1 and inside.hits("/secret") == 0
    assert stay.ok and stay.body == b"<html>fine</html>"
    assert fetch([allowed.url("/go")], allow=ALL_LOOPBACK)[0].status == 200


def test_nothing_private_is_allowed_by_default(monkeypatch, allowed):
    allowed.add("/feed", b"<rss/>")
    monkeypatch.delenv(ENV_ALLOW_PRIVATE)
    urls = [allowed.url("/feed"), "http://169.254.169.254/latest/meta-data/",
            "http://localhost:5432/"]
    assert [r.error for r in fetch(urls)] == [
        "refused: resolves to a loopback address 127.0.0.2",
        "refused: resolves to a link-local address 169.254.169.254",
        LOOPBACK_1,
    ]
    monkeypatch.setenv(ENV_ALLOW_PRIVATE, " 10.0.0.0/8 , 127.0.0.2/32")
    assert fetch(urls[:1])[0].ok  # the environment's list, read when fetching starts
    assert allowed.hits("/feed") == 1


def write_feeds(tmp_path, body: str) -> str:
    path = tmp_path / "feeds.toml"
    path.write_text(body, encoding="utf-8")
    return str(path)


def test_refresh_from_an_allowed_network_refuses_links_into_others(
        tmp_path, monkeypatch, sqlite_db, inside, allowed):
    """The feed lives on 127.0.0.2, allowed in the feeds file; its article links lead to
    127.0.0.1 in every spelling, to ::1, and through a redirect. None is fetched; the
    articles keep their summaries and the feed's health says why."""
    monkeypatch.delenv(ENV_ALLOW_PRIVATE)
    body = " ".join(["The full text of an article on the allowed host, long enough."] * 6)
    page = f"<html><body><article><h1>Allowed</h1><p>{body}</p></article></body></html>"
    page = page.encode()
    allowed.add("/article", page, content_type="text/html; charset=utf-8")
    allowed.add("/hop", b"", status=302, headers={"Location": inside.url("/secret")})
    with FeedServer("::1") as six:
        six.add("/secret", b"internal")
        links = [f"http://{host}:{inside.port}/secret?via={n}"
                 for n, host in enumerate(LOOPBACK_SPELLINGS)]
        links += [six.url("/secret"), f"http://[::ffff:127.0.0.1]:{inside.port}/secret",
                  allowed.url("/hop"), allowed.url("/article")]
        entries = [item(f"Phnom Penh story {n}", link, guid=f"g{n}",
                        description="Summary from the feed about Phnom Penh.")
                   for n, link in enumerate(links)]
        allowed.add("/feed.xml", rss(entries))
        config = write_feeds(tmp_path, (
            'allow_private = ["127.0.0.2/32"]\n\n'
            f'[[feeds]]\nname = "Allowed"\nurl = "{allowed.url("/feed.xml")}"\n'
            'full_text = true\nalways_relevant = true\n\n'
            f'[[feeds]]\nname = "Internal"\nurl = "{inside.url("/secret")}"\n'))
        result = CliRunner().invoke(cli, ["refresh", "--config", config, "--db", sqlite_db,
                                          "--json"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert six.hits("/secret") == 0
    assert inside.hits("/secret") == 0
    outcomes = {o["name"]: o for o in json.loads(result.stdout)["feeds"]}
    assert outcomes["Internal"]["status"] == "failed"
    assert outcomes["Internal"]["error"] == LOOPBACK_1
    assert outcomes["Allowed"]["status"] == "ok"
    assert outcomes["Allowed"]["warning"] == (
        f"10 article pages refused, first: {links[0]} {LOOPBACK_1}")

    engine = store.make_engine(sqlite_db)
    with engine.connect() as conn:
        a = schema.articles
        sources = dict(conn.execute(select(a.c.link, a.c.text_source)).all())
        health = dict(conn.execute(select(schema.feeds.c.name, schema.feeds.c.last_error)).all())
    engine.dispose()
    assert sources.pop(allowed.url("/article")) == "full_text"
    assert set(sources.values()) == {"summary"} and len(sources) == len(links) - 1
    assert health["Allowed"] == outcomes["Allowed"]["warning"]
    assert health["Internal"] == LOOPBACK_1


@pytest.mark.parametrize(("where", "expected"), [
    ("file", "field 'allow_private': '10.0.0.1/8' is not a network"),
    ("env", f"environment variable {ENV_ALLOW_PRIVATE}: 'intranet' is not a network"),
])
def test_a_bad_network_is_a_config_error_naming_the_setting(
        tmp_path, monkeypatch, sqlite_db, where, expected):
    feeds = '[[feeds]]\nname = "A"\nurl = "http://a.example/rss"\n'
    if where == "file":
        feeds = 'allow_private = ["10.0.0.1/8"]\n' + feeds
    else:
        monkeypatch.setenv(ENV_ALLOW_PRIVATE, "127.0.0.0/8,intranet")
    result = CliRunner().invoke(cli, ["refresh", "--config", write_feeds(tmp_path, feeds),
                                      "--db", sqlite_db])
    assert result.exit_code == 2
    assert expected in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1

