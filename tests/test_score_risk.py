"""The risk formula's factors (feeds.score.risk, docs/scoring.md section 8): distinct
terms, the lead, category severity and the combination of categories, and the
``severity`` field of terms.toml's category tables.

The worked example in docs/scoring.md is checked in tests/test_score_terms.py.
"""

from __future__ import annotations

import pytest
from lexicon_support import TERMS, error, write

from feeds.lexicon import load_lexicons
from feeds.score import risk, score_article
from feeds.score.results import TermMatch


def tm(category: str, term: str, weight: float, sentence: int = 0) -> TermMatch:
    return TermMatch(category, term, term, weight, sentence, 0, 1)


# --- category points ------------------------------------------------------------------


def test_a_repeated_term_counts_once_at_its_heaviest():
    once = risk.category_points([tm("a", "arrest", 3.0)], {}, 1)
    repeated = risk.category_points([tm("a", "arrest", 3.0)] * 5, {}, 1)
    assert repeated == once == {"a": 3.0}
    # a different term adds, with diminishing returns
    two = risk.category_points([tm("a", "arrest", 3.0), tm("a", "charge", 2.0)], {}, 1)
    assert two == {"a": 3.0 + 2.0 / 2}
    # the reported test still sees every match
    assert risk.term_points([tm("a", "arrest", 3.0)] * 2) == {"a": 3.0 + 3.0 / 2}


def test_matches_below_the_lead_count_at_half_weight():
    # with a title (sentence 0) the lead is sentences 1..LEAD; without one, 0..LEAD-1
    last_lead = risk.LEAD
    assert risk.category_points([tm("a", "t", 4.0, last_lead)], {}, 1) == {"a": 4.0}
    deep = risk.category_points([tm("a", "t", 4.0, last_lead + 1)], {}, 1)
    assert deep == {"a": 4.0 * risk.BODY_FACTOR}
    assert risk.category_points([tm("a", "t", 4.0, last_lead)], {}, 0) == deep
    # a term in the lead and again further down keeps its lead weight
    both = [tm("a", "t", 4.0, 20), tm("a", "t", 4.0, 1)]
    assert risk.category_points(both, {}, 1) == {"a": 4.0}


def test_severity_multiplies_a_categorys_points():
    matches = [tm("grave", "clash", 4.0), tm("mild", "raid", 4.0), tm("plain", "x", 4.0)]
    points = risk.category_points(matches, {"grave": 1.0, "mild": 0.5}, 1)
    assert points == {"grave": 4.0, "mild": 2.0, "plain": 4.0}  # not listed: severity 1


def test_categories_add_with_diminishing_returns_largest_first():
    one = risk.risk_score({"a": 6.0}, None)
    two = risk.risk_score({"a": 6.0, "b": 4.0}, None)
    assert two == risk.risk_score({"a": 6.0 + 4.0 / 2}, None)
    assert risk.risk_score({"b": 4.0, "a": 6.0}, None) == two  # order does not matter
    assert one < two < risk.risk_score({"a": 10.0}, None)


# --- on the real lexicons -------------------------------------------------------------


def test_real_categories_have_a_severity_between_0_and_1(lex):
    severities = {c.id: c.severity for c in lex.categories.values()}
    assert all(0 < s <= 1 for s in severities.values())
    assert severities["security_military"] == 1.0
    assert severities["crime_corruption"] < severities["arrests_legal"] < 1.0


def test_shelling_outranks_a_scam_compound_of_the_same_weight(lex):
    """Severity in use: one term of the same weight in a grave and a moderate category."""
    sev = {c.id: c.severity for c in lex.categories.values()}
    shelling = score_article("Shelling near the border", "", lex, language="en")
    scam = score_article("A scam compound near the border", "", lex, language="en")
    (a,) = shelling.term_matches
    (b,) = scam.term_matches
    assert (a.category, b.category) == ("security_military", "crime_corruption")
    assert a.weight == b.weight
    assert shelling.category_points == {a.category: sev[a.category] * a.weight}
    assert scam.category_points == {b.category: sev[b.category] * b.weight}
    assert shelling.risk_score > scam.risk_score


def test_a_deep_mention_weighs_less_than_the_same_in_the_lead(lex):
    filler = " ".join(f"The weather on day {n} was mild." for n in range(1, 6))
    lead = score_article("", "Troops clashed at the border. " + filler, lex, language="en")
    deep = score_article("", filler + " Troops clashed at the border.", lex, language="en")
    assert lead.term_matches and {m.weight for m in lead.term_matches} == {
        m.weight for m in deep.term_matches
    }
    assert deep.risk_score < lead.risk_score


# --- the severity field ---------------------------------------------------------------

_HEADER = 'description = "Arrests and charges."\n'


def test_severity_is_read_and_defaults_to_1(tmp_path):
    assert load_lexicons(write(tmp_path)).categories["arrests_legal"].severity == 1.0
    terms = TERMS.replace(_HEADER, _HEADER + "severity = 0.75\n")
    lex = load_lexicons(write(tmp_path, terms=terms))
    assert lex.categories["arrests_legal"].severity == 0.75


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0", "must be > 0 and <= 1, got 0"),
        ("1.5", "must be > 0 and <= 1, got 1.5"),
        ('"high"', "must be a number, got 'high'"),
        ("true", "must be a number, got True"),
    ],
)
def test_bad_severity_is_refused_by_name(tmp_path, value, says):
    terms = TERMS.replace(_HEADER, _HEADER + f"severity = {value}\n")
    msg = error(tmp_path, terms=terms)
    assert "category 'arrests_legal'" in msg and "severity" in msg and says in msg
