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
