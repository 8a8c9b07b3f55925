import pytest

from feeds.ingest.canonical import canonical_url, text_similarity, title_fingerprint


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://WWW.Example.org/news/story/", "https://example.org/news/story"),
        ("https://example.org/a?utm_source=x&utm_medium=rss", "https://example.org/a"),
        ("https://example.org/a#comments", "https://example.org/a"),
        ("https://example.org/a?fbclid=1&gclid=2&id=7", "https://example.org/a?id=7"),
        ("http://example.org/a", "https://example.org/a"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
    ],
)
def test_same_article_same_canonical_url(a, b):
    assert canonical_url(a) == canonical_url(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.org/a?id=7", "https://example.org/a?id=8"),
        ("https://example.org/A", "https://example.org/a"),  # paths are case-sensitive
        ("https://example.org:8080/a", "https://example.org/a"),
    ],
)
def test_different_articles_differ(a, b):
    assert canonical_url(a) != canonical_url(b)


def test_non_http_is_left_alone():
    assert canonical_url("urn:uuid:1234") == "urn:uuid:1234"
    assert canonical_url("http://[::1") == "http://[::1"  # malformed, but no crash


def test_title_fingerprint_ignores_case_punctuation_and_outlet_suffix():
    a = title_fingerprint("Kem Sokha arrested on treason charges")
    assert a == title_fingerprint("KEM SOKHA ARRESTED ON TREASON CHARGES!")
    assert a == title_fingerprint("Kem Sokha arrested on treason charges - Demo Wire")
    assert a != title_fingerprint("Kem Sokha released on bail")


def test_khmer_titles_keep_their_letters():
    assert title_fingerprint("កម្ពុជា ការបោះឆ្នោត") != title_fingerprint("កម្ពុជា ព្រំដែន")


def test_text_similarity():
    base = (
        "The court in Phnom Penh sentenced the opposition leader to 27 years of house "
        "arrest. The ruling drew criticism from rights groups and foreign governments."
    )
    assert text_similarity(base, base) == 1.0
    # A syndicated copy with one word changed still clears the dedup threshold.
    assert text_similarity(base, base.replace("criticism", "condemnation")) > 0.6
    assert text_similarity(base, "Garment workers marched for a higher minimum wage.") < 0.1
    assert text_similarity("", "") == 1.0
    assert text_similarity("", base) == 0.0


def test_dated_suffix_is_part_of_the_title():
    assert title_fingerprint("Blondie & Garfield - JULY 27, 2022") != title_fingerprint(
        "Blondie & Garfield - JULY 26, 2022"
    )
    assert title_fingerprint("Border reopens - Khmer Times") == title_fingerprint("Border reopens")
