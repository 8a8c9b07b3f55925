import pytest

from feeds.config import DEFAULT_CONFIG, ConfigError, load_feeds, parse_feeds


def write(tmp_path, text):
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_filled(tmp_path):
    feeds = load_feeds(write(tmp_path, '[[feeds]]\nname = "A"\nurl = "https://a.example/rss"\n'))
    assert len(feeds) == 1
    feed = feeds[0]
    assert (feed.full_text, feed.enabled, feed.language, feed.always_relevant) == (
        False,
        True,
        None,
        False,
    )


def test_shipped_default_list_is_valid():
    feeds = load_feeds(DEFAULT_CONFIG)
    assert len(feeds) >= 10
    assert len({f.name for f in feeds}) == len(feeds)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('[[feeds]]\nname = "A"\n', "feed #1 ('A'): missing required field 'url'"),
        ('[[feeds]]\nname = "A"\nurl = "ftp://x"\n', "feed #1 ('A'): field 'url' must be"),
        (
            '[[feeds]]\nname = "A"\nurl = "https://x.org"\nfulltext = true\n',
            "feed #1 ('A'): unknown field 'fulltext'",
        ),
        (
            '[[feeds]]\nname = "A"\nurl = "https://x.org"\nfull_text = "yes"\n',
            "field 'full_text' must be bool, got str",
        ),
        (
            '[[feeds]]\nname = "A"\nurl = "https://x.org"\nlanguage = "English"\n',
            "field 'language' must be an ISO 639 code",
        ),
        (
            '[[feeds]]\nname = "A"\nurl = "https://x.org"\n[[feeds]]\nname = "A"\n'
            'url = "https://y.org"\n',
            "feed #2 ('A'): field 'name' repeats an earlier feed",
        ),
        (f'[[feeds]]\nname = "{"N" * 201}"\nurl = "https://x.org"\n', "feed #1 ('NNNNN"),
        (
            f'[[feeds]]\nname = "{"N" * 201}"\nurl = "https://x.org"\n',
            "...'): field 'name' is 201 characters long (at most 200)",
        ),
        (
            '[[feeds]]\nname = "A\\u0000B"\nurl = "https://x.org"\n',
            "field 'name' contains a control character",
        ),
        ('title = "x"\n', "unknown top-level key(s): title"),
        ("", "expected at least one [[feeds]] table"),
        ("[[feeds]\n", "not valid TOML"),
    ],
)
def test_invalid_config_names_feed_and_field(tmp_path, body, expected):
    with pytest.raises(ConfigError) as info:
        load_feeds(write(tmp_path, body))
    assert expected in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such feeds file"):
        load_feeds(tmp_path / "nope.toml")


def test_parse_feeds_accepts_all_fields():
    feeds = parse_feeds(
        {
            "feeds": [
                {
                    "name": "K",
                    "url": "http://k.example/f",
                    "full_text": True,
                    "language": "km",
                    "enabled": False,
                    "always_relevant": True,
                }
            ]
        }
    )
    assert feeds[0].full_text and feeds[0].always_relevant and not feeds[0].enabled
    assert feeds[0].language == "km"


def test_a_name_of_200_characters_is_accepted(tmp_path):
    name = "Ñ" * 200
    feeds = load_feeds(write(tmp_path, f'[[feeds]]\nname = "{name}"\nurl = "https://x.org"\n'))
    assert feeds[0].name == name


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('backfill = "rest"', "feed #1 ('A'): field 'backfill' must be one of wordpress, "
                              "feed-pages, sitemap, gdelt, auto, none, got 'rest'"),
        ("backfill = true", "feed #1 ('A'): field 'backfill' must be str, got bool"),
        ("backfill_delay = -1", "feed #1 ('A'): field 'backfill_delay' must be between 0"),
        ('backfill_delay = "2s"', "feed #1 ('A'): field 'backfill_delay' must be a number"),
        ("backfill_delay = true", "field 'backfill_delay' must be a number, got bool"),
        ('backfill_site = "cambodianess.com"', "field 'backfill_site' must be an http(s) URL"),
    ],
)
def test_invalid_backfill_keys_name_feed_and_field(tmp_path, extra, expected):
    body = f'[[feeds]]\nname = "A"\nurl = "https://x.org/feed/"\n{extra}\n'
    with pytest.raises(ConfigError) as info:
        load_feeds(write(tmp_path, body))
    assert expected in str(info.value)


def test_backfill_keys_and_defaults(tmp_path):
    feeds = load_feeds(write(tmp_path, (
        '[[feeds]]\nname = "A"\nurl = "https://a.org/feed/"\n'
        '[[feeds]]\nname = "B"\nurl = "https://news.google.com/rss/search?q=site:b.org"\n'
        'backfill = "sitemap"\nbackfill_delay = 5\nbackfill_site = "https://b.org"\n')))
    assert (feeds[0].backfill, feeds[0].backfill_delay, feeds[0].backfill_site) == (
        "auto", None, None)
    assert (feeds[1].backfill, feeds[1].backfill_delay, feeds[1].backfill_site) == (
        "sitemap", 5.0, "https://b.org/")


def test_shipped_list_follows_the_evidence():
    feeds = {f.name: f for f in load_feeds(DEFAULT_CONFIG)}
    assert feeds["CamboJA News (ខ្មែរ)"].url == "https://khmer.cambojanews.com/feed/"
    for dead in ("Radio Free Asia Khmer", "VOA Khmer"):
        assert not feeds[dead].enabled
    assert feeds["GDELT: Cambodia"].backfill == "gdelt"
    assert all(f.backfill == "none" for name, f in feeds.items() if "Google" in name)
