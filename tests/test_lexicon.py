"""Loading and validating the lexicon files: the real ones, and small broken ones."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from lexicon_support import ACTORS, PLACES, TERMS, error, write

from feeds.lexicon import (
    ACTOR_TYPES,
    LexiconError,
    Lexicons,
    inflections,
    load_lexicons,
    phrase_keys,
    roles_on,
)
from feeds.score import compiled

REAL = Path(__file__).resolve().parent.parent / "data" / "lexicons"


# --- the real files -------------------------------------------------------------------


def test_real_files_load_with_a_short_version(lex):
    assert re.fullmatch(r"[0-9a-f]{12}", lex.version)
    assert load_lexicons(REAL).version == lex.version  # same bytes, same version
    assert compiled(lex) is compiled(lex)  # built once per lexicon version


def test_default_directory_is_the_configured_one(lex):
    from feeds import config

    assert lex.directory == config.LEXICON_DIR


def test_version_changes_with_the_bytes(tmp_path):
    for name in ("terms.toml", "actors.toml", "places.toml", "sentiment.toml"):
        shutil.copy(REAL / name, tmp_path / name)
    before = load_lexicons(tmp_path).version
    with (tmp_path / "sentiment.toml").open("a", encoding="utf-8") as f:
        f.write("\n# a comment changes the bytes\n")
    assert load_lexicons(tmp_path).version != before


def test_required_categories_with_labels(lex):
    required = {
        "security_military",
        "sanctions_trade",
        "arrests_legal",
        "unrest_protest",
        "political_crisis",
        "land_labour",
        "media_civil_society",
    }
    assert required <= set(lex.categories)
    for c in lex.categories.values():
        assert c.label and c.description and c.terms
    assert lex.category_labels["arrests_legal"] == "Arrests & prosecutions"


def test_enough_actors_of_every_kind(lex):
    assert len(lex.actors) >= 80
    assert len({a.id for a in lex.actors}) == len(lex.actors)
    kinds = {a.type for a in lex.actors}
    assert kinds == set(ACTOR_TYPES)
    for name in (
        "Hun Sen",
        "Hun Manet",
        "Cambodian People's Party",
        "Cambodia National Rescue Party",
        "Candlelight Party",
        "Sam Rainsy Party",
        "Khmer Will Party",
        "FUNCINPEC",
        "Norodom Sihamoni",
        "Kem Sokha",
        "Sam Rainsy",
        "National Election Committee",
        "Royal Cambodian Armed Forces",
        "European Union",
        "Human Rights Watch",
        "LICADHO",
        "Radio Free Asia",
        "Voice of Democracy",
        "Royal Thai Army",
        "Anutin Charnvirakul",
    ):
        assert lex.actor(name) is not None, name


def test_all_25_provincial_level_units(lex):
    provinces = [p for p in lex.places if p.kind == "province"]
    capital = [p for p in lex.places if p.kind == "capital"]
    assert len(provinces) == 24 and [p.name for p in capital] == ["Phnom Penh"]
    assert all(p.km for p in provinces + capital)
    crossings = {p.name for p in lex.places if p.kind == "border_crossing"}
    assert {"Poipet", "Bavet", "Cham Yeam", "O'Smach"} <= crossings


def test_roles_on_dates(lex):
    hun_sen = lex.actor("hun-sen")
    assert [r.title for r in roles_on(hun_sen, date(2020, 1, 1))] == [
        "Prime Minister",
        "President of the Cambodian People's Party",
    ]
    titles_2024 = [r.title for r in hun_sen.roles_on(date(2024, 5, 1))]
    assert "President of the Senate" in titles_2024 and "Prime Minister" not in titles_2024
    manet = lex.actor("Hun Manet")
    assert [r.label for r in roles_on(manet, date(2024, 1, 1))] == ["Prime Minister (2023–)"]
    pm = next(r for r in hun_sen.roles if r.title == "Prime Minister")
    assert pm.label == "Prime Minister (1985–2023)"
    assert pm.active_on(date(2023, 8, 22)) and not pm.active_on(date(2023, 8, 23))


def test_cambodian_follows_the_affiliation_chain(lex):
    assert lex.actor("hun-sen").cambodian  # -> cpp -> Cambodia
    assert lex.actor("thach-setha").cambodian  # -> candlelight -> Cambodia
    assert not lex.actor("rfa").cambodian  # -> united-states
    assert not lex.actor("paetongtarn-shinawatra").cambodian


def test_sentiment_overrides_loaded(lex):
    assert lex.sentiment["party"] == 0
    assert lex.sentiment["crackdown"] < 0


def test_inflections():
    assert inflections("arrest", "all") == ["arrests", "arrested", "arresting"]
    assert inflections("ban", "all") == ["bans", "banned", "banning"]
    assert inflections("seize", "all") == ["seizes", "seized", "seizing"]
    assert inflections("deny", "all") == ["denies", "denied", "denying"]
    assert inflections("harass", "all") == ["harasses", "harassed", "harassing"]
    assert inflections("border clash", "plural") == ["border clashes"]
    assert inflections("martial law", "none") == []


def test_phrase_keys_hyphen_space_and_closed():
    assert phrase_keys("crack-down") == ["crack down", "crackdown"]
    assert phrase_keys("Hun Sen's") == ["hun sen s"]
    assert phrase_keys("Lèse-Majesté") == ["lese majeste", "lesemajeste"]


def test_every_term_form_is_recorded(lex):
    arrest = next(t for t in lex.terms if t.term == "arrest")
    assert {"arrest", "arrests", "arrested", "arresting"} <= set(arrest.surface)
    assert "cardiac arrests" in arrest.exclusions


# --- small files written for one test (lexicon_support) ---------------------------------

def test_small_valid_files_load(tmp_path):
    lex = load_lexicons(write(tmp_path))
    assert [t.term for t in lex.terms] == ["arrest"]
    assert lex.actor("hun-sen").cambodian
    assert isinstance(lex, Lexicons)


def test_bad_weight_names_file_entry_and_field(tmp_path):
    msg = error(tmp_path, terms=TERMS.replace("weight = 3.0", "weight = 0"))
    assert msg.startswith("terms.toml: category 'arrests_legal', term 'arrest': field 'weight'")
    msg = error(tmp_path, terms=TERMS.replace("weight = 3.0", 'weight = "high"'))
    assert "term 'arrest': field 'weight': must be a number" in msg
    msg = error(tmp_path, terms=TERMS.replace("weight = 3.0", "weight = 11"))
    assert "must be > 0 and <= 10" in msg


def test_unknown_category_field(tmp_path):
    msg = error(tmp_path, terms=TERMS.replace('label = "Arrests"', 'label = "A"\ncolour = "red"'))
    assert msg.startswith("terms.toml: category 'arrests_legal': field 'colour': unknown field")


def test_unknown_term_field_is_named(tmp_path):
    msg = error(tmp_path, terms=TERMS.replace("weight = 3.0", "weight = 3.0\nwieght = 2"))
    assert "term 'arrest': field 'wieght': unknown field" in msg


def test_missing_field(tmp_path):
    msg = error(tmp_path, terms=TERMS.replace("weight = 3.0\n", ""))
    assert "term 'arrest': field 'weight': missing required field" in msg


def test_duplicate_alias_across_actors(tmp_path):
    actors = (
        ACTORS + '\n[[actor]]\nid = "other"\nname = "Someone Else"\ntype = "person"\n'
        'affiliation = "Cambodia"\naliases = ["Hun-Sen"]\n'
    )
    msg = error(tmp_path, actors=actors)
    assert msg == (
        "actors.toml: actor 'other': field 'aliases': duplicate alias 'Hun-Sen': "
        "already an alias of actor 'hun-sen'"
    )


def test_short_person_alias_must_be_a_context_alias(tmp_path):
    actors = ACTORS.replace('affiliation = "cpp"', 'affiliation = "cpp"\naliases = ["Hun"]')
    msg = error(tmp_path, actors=actors)
    assert "actor 'hun-sen': field 'aliases': 'Hun' is too short" in msg


def test_context_alias_may_not_be_a_full_alias(tmp_path):
    actors = ACTORS.replace('affiliation = "cpp"', 'affiliation = "cpp"\ncontext_aliases = ["CPP"]')
    msg = error(tmp_path, actors=actors)
    assert "field 'context_aliases'" in msg and "full alias of actor 'cpp'" in msg


def test_exclusion_must_contain_its_term(tmp_path):
    msg = error(tmp_path, terms=TERMS.replace('"cardiac arrest"', '"heart attack"'))
    assert "term 'arrest': field 'exclude': 'heart attack' does not contain" in msg


def test_khmer_exclusion_must_contain_a_khmer_form(tmp_path):
    terms = TERMS.replace('km = ["ចាប់ខ្លួន"]', 'km = ["ចាប់ខ្លួន"]\nkm_exclude = ["រំលាយអាហារ"]')
    msg = error(tmp_path, terms=terms)
    assert "field 'km_exclude'" in msg


def test_khmer_in_the_wrong_field(tmp_path):
    msg = error(tmp_path, terms=TERMS.replace('exclude = ["cardiac arrest"]', 'variants = ["ចាប់"]'))
    assert "field 'variants': 'ចាប់' is Khmer script" in msg
    msg = error(tmp_path, terms=TERMS.replace('km = ["ចាប់ខ្លួន"]', 'km = ["arrest"]'))
    assert "field 'km': 'arrest' must be written in Khmer script" in msg


def test_duplicate_forms_across_terms(tmp_path):
    terms = TERMS + '\n[[categories.arrests_legal.terms]]\nterm = "arrests"\nweight = 1\n'
    msg = error(tmp_path, terms=terms)
    assert "term 'arrests'" in msg and "already a form of term 'arrest'" in msg


def test_phrase_with_splitting_punctuation(tmp_path):
    msg = error(tmp_path, terms=TERMS.replace('term = "arrest"', 'term = "arrest, detain"'))
    assert "field 'term': 'arrest, detain' has ', ' between words" in msg


def test_bad_dates_and_roles(tmp_path):
    msg = error(tmp_path, actors=ACTORS.replace("to = 2023-08-22", "to = 1980-01-01"))
    assert "actor 'hun-sen', role #1: field 'to'" in msg and "before" in msg
    msg = error(tmp_path, actors=ACTORS.replace("from = 1985-01-14", 'from = "soon"'))
    assert "role #1: field 'from': must be a date" in msg


def test_unknown_actor_type_and_place_kind(tmp_path):
    msg = error(tmp_path, actors=ACTORS.replace('type = "person"', 'type = "rebel"'))
    assert "actor 'hun-sen': field 'type': must be one of" in msg
    msg = error(tmp_path, places=PLACES.replace('kind = "border_crossing"', 'kind = "port"'))
    assert "place 'Poipet': field 'kind'" in msg


def test_place_province_must_exist(tmp_path):
    places = PLACES.replace('province = "Battambang"', 'province = "Nowhere"')
    msg = error(tmp_path, places=places)
    assert "place 'Poipet': field 'province': 'Nowhere' is not a place" in msg


def test_affiliation_loop(tmp_path):
    msg = error(
        tmp_path, actors=ACTORS.replace('affiliation = "Cambodia"', 'affiliation = "hun-sen"')
    )
    assert "affiliations form a loop" in msg


def test_sentiment_words(tmp_path):
    msg = error(tmp_path, sentiment='[words]\n"free and fair" = 1\n')
    assert msg.startswith("sentiment.toml: word 'free and fair'") and "single words" in msg
    msg = error(tmp_path, sentiment="[words]\nparty = 9\n")
    assert "sentiment.toml: word 'party': valence must be within [-4, 4]" in msg


def test_file_level_errors(tmp_path):
    write(tmp_path)
    (tmp_path / "places.toml").unlink()
    with pytest.raises(LexiconError, match=r"^places.toml: missing from "):
        load_lexicons(tmp_path)
    msg = error(tmp_path, terms="[categories.arrests_legal\n")
    assert msg.startswith("terms.toml: not valid TOML")
    write(tmp_path)
    (tmp_path / "term.toml").write_text("", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"^term.toml: unexpected file"):
        load_lexicons(tmp_path)
    with pytest.raises(LexiconError, match="lexicon folder not found"):
        load_lexicons(tmp_path / "missing")


def test_unknown_top_level_key(tmp_path):
    msg = error(tmp_path, places="version = 2\n" + PLACES)
    assert msg.startswith("places.toml: unknown top-level key 'version'")


def test_names_too_long_for_the_database_are_refused_at_load(tmp_path):
    """The database keeps terms and actor names in 200 characters and category ids in
    60; longer ones stop the load (exit 2) instead of failing each article later."""
    long_term = "arrest " + "x" * 200
    msg = error(tmp_path, terms=TERMS.replace('term = "arrest"', f'term = "{long_term}"'))
    assert msg.endswith("field 'term': is 207 characters long (at most 200)")
    long_id = "arrests_" + "x" * 60
    msg = error(tmp_path, terms=TERMS.replace("[categories.arrests_legal]",
                                              f"[categories.{long_id}]"))
    assert msg.endswith("id is 68 characters long (at most 60)")
    msg = error(tmp_path, actors=ACTORS.replace('name = "Hun Sen"', f'name = "{"H" * 201}"'))
    assert msg.endswith("field 'name': is 201 characters long (at most 200)")


# --- context rules and other-language names (issue #9) -------------------------------


def test_context_rules_load_with_word_lists_expanded(tmp_path):
    terms = TERMS.replace(
        'exclude = ["cardiac arrest"]',
        'exclude = ["cardiac arrest"]\nrequires = ["@court", "police"]\nnear = 5',
    ) + '\n[words]\ncourt = ["court*", "judge"]\n'
    lex = load_lexicons(write(tmp_path, terms=terms))
    (term,) = lex.terms
    assert term.requires == ("court*", "judge", "police") and term.near == 5


def test_context_rule_errors_name_the_field(tmp_path):
    msg = error(tmp_path, terms=TERMS + 'requires = ["@nope"]\n')
    assert "term 'arrest': field 'requires': '@nope': no such list in [words]" in msg
    instead = 'instead = [{ category = "arrests_legal", near = ["x"] }]\n'
    msg = error(tmp_path, terms=TERMS + instead)
    assert "field 'instead': needs 'requires'" in msg
    msg = error(tmp_path, terms=TERMS + "near = 0\n")
    assert "field 'near': must be a whole number of words" in msg
    pair = '\n[[pairs]]\ncategory = "media"\nwhen = ["arrests_legal"]\nnear = ["x"]\nweight = 1\n'
    assert "'media' is not a category of this file" in error(tmp_path, terms=TERMS + pair)
    bad = "\n[furniture]\nlines = ['(unclosed']\n"
    assert "is not a regular expression" in error(tmp_path, terms=TERMS + bad)
    assert "unknown top-level key 'rules'" in error(tmp_path, terms=TERMS + "\n[rules]\nx = 1\n")


def test_world_names_add_to_a_place(tmp_path):
    names = '[[names]]\nplace = "Phnom Penh"\nlatin = ["Phnôm Pênh"]\nother = ["金边"]\n'
    lex = load_lexicons(write(tmp_path, world_names=names))
    place = next(p for p in lex.places if p.name == "Phnom Penh")
    assert "Phnôm Pênh" in place.aliases and place.scripts == ("金边",)
    # optional: the folder loads without it, and the version differs
    (tmp_path / "b").mkdir()
    assert load_lexicons(write(tmp_path / "b")).version != lex.version


def test_world_names_errors(tmp_path):
    assert "'Hanoi' is not a place in places.toml" in error(
        tmp_path, world_names='[[names]]\nplace = "Hanoi"\n'
    )
    assert "is not written in Latin script" in error(
        tmp_path, world_names='[[names]]\nplace = "Poipet"\nlatin = ["ปอยเปต"]\n'
    )
    assert "too short to be a name" in error(
        tmp_path, world_names='[[names]]\nplace = "Poipet"\nother = ["金"]\n'
    )
