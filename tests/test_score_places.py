"""Places as evidence: which mentions put an article in a province, and how they are stored.

An article's provinces are those it reports from (a dateline) or about. A publisher's
address, a passing list and a name that is also a common word do not count alone.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select

from feeds import store
from feeds.config import Settings
from feeds.demo import load_demo
from feeds.rescore import rescore
from feeds.score import score_article
from feeds.store import schema


def places(score):
    return [(m.place, m.role, m.counts) for m in score.place_mentions]


def test_a_dateline_counts_and_has_its_own_role(lex):
    score = score_article("Talks resume", "SAMRAONG — Commanders met on Monday.", lex)
    assert places(score)[0] == ("Samraong", "dateline", True)
    assert score.provinces == ["KH-22"]
    # with an agency and a date between the place and the dash
    score = score_article("", "Phnom Penh (AKP), 3 May – Officials met.", lex)
    assert score.place_mentions[0].role == "dateline" and score.provinces == ["KH-12"]


def test_a_place_later_in_the_first_sentence_is_no_dateline(lex):
    score = score_article("Talks", "Officials met in Kampot — then left.", lex)
    assert places(score) == [("Kampot", "place", True)]


def test_offsets_are_within_the_sentence(lex):
    score = score_article("Floods in Kratie", "Water rose. Officials in Stung Treng said so.", lex)
    by_place = {m.place: m for m in score.place_mentions}
    kratie, stung = by_place["Kratie"], by_place["Stung Treng"]
    assert (kratie.sentence_index, kratie.start, kratie.end) == (0, 10, 16)
    assert (stung.sentence_index, stung.matched, stung.kind) == (2, "Stung Treng", "province")
    assert score.provinces == ["KH-10", "KH-19"]  # ordered by code number


def test_a_publishers_address_does_not_count(lex):
    text = ("Garment workers in Kandal protested over unpaid wages. "
            "Published by Demo Ledger, No. 12, Street 240, Phnom Penh.")
    score = score_article("Wage protest", text, lex)
    assert ("Phnom Penh", "address", False) in places(score)
    assert score.provinces == ["KH-8"]


def test_a_street_in_the_news_is_no_address(lex):
    score = score_article("March", "Police blocked Street 51 in Phnom Penh on Monday.", lex)
    assert places(score) == [("Phnom Penh", "place", True)]


def test_a_passing_list_does_not_count(lex):
    text = ("Boats from provinces such as Kampong Cham, Prey Veng and Kandal raced "
            "in front of the palace in Phnom Penh.")
    score = score_article("Water Festival opens", text, lex)
    roles = {m.place: m.role for m in score.place_mentions}
    assert roles == {"Kampong Cham": "list", "Prey Veng": "list", "Kandal": "list",
                     "Phnom Penh": "place"}
    assert score.provinces == ["KH-12"]


def test_two_places_after_a_list_cue_are_a_list_but_two_alone_are_not(lex):
    cue = score_article("Trade", "Exports rose in provinces including Takeo and Kampot.", lex)
    assert {m.role for m in cue.place_mentions} == {"list"} and cue.provinces == []
    plain = score_article("Trade", "Exports rose in Takeo and Kampot this year.", lex)
    assert plain.provinces == ["KH-7", "KH-21"]


def test_a_list_in_the_title_counts(lex):
    score = score_article("Floods hit Kratie, Stung Treng and Kampong Cham", "Water rose.", lex)
    assert score.provinces == ["KH-3", "KH-10", "KH-19"]


def test_a_place_in_a_list_counts_when_named_again(lex):
    text = ("Rain fell on Kampot, Kep and Takeo. In Kep, the road to the coast flooded.")
    score = score_article("Rain", text, lex)
    assert score.provinces == ["KH-23"]


def test_a_non_decisive_name_needs_support(lex):
    alone = score_article("Speech", "Chantrea said the talks in Phnom Penh went well.", lex)
    assert ("Chantrea", "support", False) in places(alone)
    assert alone.provinces == ["KH-12"]
    backed = score_article("Border", "Farmers in Chantrea, Svay Rieng, lost rice to floods.", lex)
    assert ("Chantrea", "place", True) in places(backed)
    assert backed.provinces == ["KH-20"]


def test_places_without_a_province_are_kept_but_put_nothing_on_the_map(lex):
    score = score_article("Canal", "The Funan Techo canal and the Tonle Sap were discussed.", lex)
    kept = {m.place: (m.province, m.counts) for m in score.place_mentions}
    assert kept["Tonle Sap"] == (None, False)
    assert score.provinces == []


def test_khmer_names_are_located(lex):
    score = score_article("", "ពលរដ្ឋនៅខេត្តសៀមរាបបានតវ៉ា។", lex)
    assert [m.province for m in score.place_mentions if m.counts] == ["KH-17"]


# --- storage: both databases ------------------------------------------------------------


def _place_rows(engine):
    with engine.connect() as conn:
        mentions = conn.execute(select(func.count()).select_from(schema.place_mentions)).scalar()
        ap = schema.article_places
        provinces = conn.execute(select(func.count(func.distinct(ap.c.province)))).scalar()
        counted = conn.execute(
            select(func.count()).select_from(schema.place_mentions)
            .where(schema.place_mentions.c.counts.is_(True))
        ).scalar()
        summed = conn.execute(select(func.coalesce(func.sum(ap.c.mentions), 0))).scalar()
    return mentions, provinces, counted, summed


def test_mentions_are_stored_and_rescore_refills_them(db_url, tmp_path):
    settings = Settings(db_url=db_url, workers=0)
    load_demo(settings)
    engine = store.make_engine(db_url)
    try:
        mentions, provinces, counted, summed = _place_rows(engine)
        assert mentions > 1000 and provinces == 25
        assert 0 < counted == summed < mentions  # article_places sums the counting ones
        with engine.begin() as conn:  # as a database migrated from before places looks
            conn.execute(delete(schema.article_places))
            conn.execute(delete(schema.place_mentions))
        assert _place_rows(engine)[0] == 0
        rescore(settings, workers=1)
        assert _place_rows(engine) == (mentions, provinces, counted, summed)
    finally:
        engine.dispose()
