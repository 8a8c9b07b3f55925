"""URL filters: parsing, defaults, dropping bad values, and the round trip."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.filters import (
    DEFAULT_WINDOW_DAYS,
    MAX_QUERY_CHARS,
    Filters,
    KnownValues,
    category_label,
    clean_query,
    default_window,
    describe,
    parse_params,
    to_params,
)

KNOWN = KnownValues.of(
    sources=["Khmer Times", "Phnom Penh Post"],
    categories=["security_military", "unrest_protest", "arrests_legal"],
    actors=["Hun Manet", "Candlelight Party"],
    languages=["en", "km"],
    min_day=date(2024, 1, 1),
    max_day=date(2024, 6, 30),
    provinces=[f"KH-{n}" for n in range(1, 26)],
)


def parse(**params):
    return parse_params({k: v if isinstance(v, list) else [v] for k, v in params.items()}, KNOWN)


def test_default_window_is_90_days_to_newest_article():
    f, notices = parse_params({}, KNOWN)
    assert notices == []
    assert f.end == date(2024, 6, 30)
    assert f.start == date(2024, 6, 30) - timedelta(days=DEFAULT_WINDOW_DAYS - 1)
    assert f.days == DEFAULT_WINDOW_DAYS
    assert not f.explicit_start and not f.explicit_end
    assert to_params(f) == {}


def test_default_window_without_data_ends_today():
    start, end = default_window(KnownValues(), today=date(2025, 3, 1))
    assert end == date(2025, 3, 1)
    assert (end - start).days == DEFAULT_WINDOW_DAYS - 1


def test_explicit_dates_are_honoured_exactly_even_outside_the_data():
    f, notices = parse(start="2019-05-01", end="2019-05-03")
    assert notices == []
    assert (f.start, f.end) == (date(2019, 5, 1), date(2019, 5, 3))
    assert to_params(f) == {"start": "2019-05-01", "end": "2019-05-03"}


def test_start_only_runs_to_newest_day_and_end_only_looks_back_90_days():
    f, _ = parse(start="2024-03-01")
    assert (f.start, f.end) == (date(2024, 3, 1), date(2024, 6, 30))
    assert to_params(f) == {"start": "2024-03-01"}
    f, _ = parse(end="2024-02-29")
    assert f.end == date(2024, 2, 29)
    assert f.start == date(2024, 2, 29) - timedelta(days=DEFAULT_WINDOW_DAYS - 1)
    f, _ = parse(start="2025-01-01")  # after the newest article: an empty window, kept
    assert (f.start, f.end) == (date(2025, 1, 1), date(2025, 1, 1))


@pytest.mark.parametrize(
    "value", ["yesterday", "2024-13-01", "2024-02-30", "20240101", "2024-1-1", "", "<script>"]
)
def test_bad_dates_are_dropped_with_a_notice(value):
    f, notices = parse(start=value)
    assert f.start == date(2024, 6, 30) - timedelta(days=DEFAULT_WINDOW_DAYS - 1)
    assert not f.explicit_start
    if value:
        assert len(notices) == 1 and "start" in notices[0]
    else:
        assert notices == []  # a blank value is simply absent


def test_start_after_end_drops_both():
    f, notices = parse(start="2024-05-10", end="2024-05-01")
    assert (f.start, f.end) == default_window(KNOWN)
    assert len(notices) == 1 and "after" in notices[0]


def test_repeated_keys_and_case_insensitive_matches():
    f, notices = parse(
        source=["khmer times", "Phnom Penh Post", "Khmer Times"],
        category=["UNREST_PROTEST", "security_military"],
        actor=["hun manet"],
    )
    assert notices == []
    assert f.sources == ("Khmer Times", "Phnom Penh Post")
    assert f.categories == ("unrest_protest", "security_military")
    assert f.actors == ("Hun Manet",)


def test_unknown_values_are_dropped_and_named():
    f, notices = parse(
        source=["Khmer Times", "Fake News Daily"],
        category="weather",
        actor=["Nobody", "Hun Manet"],
        lang="fr",
    )
    assert f.sources == ("Khmer Times",)
    assert f.categories == ()
    assert f.actors == ("Hun Manet",)
    assert f.lang is None
    text = " ".join(notices)
    for bad in ("Fake News Daily", "weather", "Nobody", "fr"):
        assert bad in text
    assert len(notices) == 4


def test_language_code_is_validated_even_without_a_known_list():
    known = KnownValues.of(max_day=date(2024, 6, 30))
    f, notices = parse_params({"lang": ["EN"]}, known)
    assert f.lang == "en" and notices == []
    f, notices = parse_params({"lang": ["<b>"]}, known)
    assert f.lang is None and len(notices) == 1


def test_single_valued_keys_take_the_last_value():
    f, notices = parse(start=["2024-01-01", "2024-02-01"], q=["first", "second"])
    assert f.start == date(2024, 2, 1)
    assert f.q == "second"
    assert notices == []


def test_text_search_is_cleaned_and_capped():
    assert clean_query("  riot\x00 police \n") == "riot  police"
    assert clean_query("   ") is None
    f, notices = parse(q="x" * (MAX_QUERY_CHARS + 50))
    assert len(f.q) == MAX_QUERY_CHARS
    assert len(notices) == 1


def test_unknown_keys_are_ignored():
    f, notices = parse(article="12", focus="Hun Manet", utm_source="mail")
    assert notices == []
    assert f == parse_params({}, KNOWN)[0]


def test_notice_shortens_hostile_values():
    f, notices = parse(actor="<script>" + "A" * 500)
    assert f.actors == ()
    assert len(notices[0]) < 200


def test_round_trip():
    f, _ = parse(
        start="2024-03-01",
        end="2024-04-30",
        source=["Phnom Penh Post"],
        category=["arrests_legal", "unrest_protest"],
        actor="Candlelight Party",
        lang="km",
        q="border",
    )
    params = to_params(f)
    assert params == {
        "start": "2024-03-01",
        "end": "2024-04-30",
        "source": ["Phnom Penh Post"],
        "category": ["arrests_legal", "unrest_protest"],
        "actor": ["Candlelight Party"],
        "lang": "km",
        "q": "border",
    }
    again, notices = parse_params(
        {k: v if isinstance(v, list) else [v] for k, v in params.items()}, KNOWN
    )
    assert notices == [] and again == f


@given(
    st.dictionaries(
        st.sampled_from(["start", "end", "source", "category", "actor", "lang", "q", "other"]),
        st.lists(st.text(max_size=30), max_size=4),
    )
)
def test_parse_never_raises_and_output_is_valid(params):
    f, notices = parse_params(params, KNOWN)
    assert f.start <= f.end
    assert set(f.sources) <= KNOWN.sources
    assert set(f.categories) <= KNOWN.categories
    assert set(f.actors) <= KNOWN.actors
    assert f.lang is None or f.lang in KNOWN.languages
    assert all(isinstance(n, str) for n in notices)
    # What to_params writes parses back to the same filters without complaint.
    again, again_notices = parse_params(
        {k: v if isinstance(v, list) else [v] for k, v in to_params(f).items()}, KNOWN
    )
    assert again == f and again_notices == []


def test_previous_window_has_equal_length():
    f = Filters(start=date(2024, 3, 1), end=date(2024, 3, 10))
    assert f.previous_window() == (date(2024, 2, 20), date(2024, 2, 29))


def test_with_marks_changed_dates_explicit():
    f, _ = parse_params({}, KNOWN)
    g = f.with_(categories=["arrests_legal"])
    assert not g.explicit_start and g.categories == ("arrests_legal",)
    h = f.with_(start=date(2024, 6, 24), end=date(2024, 6, 30))
    assert to_params(h) == {"start": "2024-06-24", "end": "2024-06-30"}


def test_labels_and_description():
    assert category_label("security_military") == "Security Military"
    assert category_label("security_military", {"security_military": "Security"}) == "Security"
    f = Filters(
        start=date(2024, 1, 1), end=date(2024, 1, 31), categories=("land_labour",), q="eviction"
    )
    text = describe(f, {"land_labour": "Land & labour"})
    assert "2024-01-01 to 2024-01-31" in text
    assert "Land & labour" in text and "eviction" in text


def test_province_codes_are_validated_and_round_trip():
    f, notices = parse(province=["kh-12", "KH-22", "KH-99", "Phnom Penh"])
    assert f.provinces == ("KH-12", "KH-22")
    assert notices == ["Ignored unknown province: 'KH-99', 'Phnom Penh'."]
    assert to_params(f)["province"] == ["KH-12", "KH-22"]
    again, notices = parse_params({k: v if isinstance(v, list) else [v]
                                   for k, v in to_params(f).items()}, KNOWN)
    assert again == f and notices == []
    assert "provinces: Phnom Penh, Oddar Meanchey" in describe(
        f, province_names={"KH-12": "Phnom Penh", "KH-22": "Oddar Meanchey"}
    )
