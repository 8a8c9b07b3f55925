"""The lexicon files: load and validate ``data/lexicons/*.toml`` (compiling is the scorer's).
Four TOML files, all required, and the optional ``world_names.toml``; none other allowed
in the folder (a misspelt file name is an error rather than a silently ignored file).
Every problem raises :class:`LexiconError` naming the file, the entry and the field.
Matching rules shared by all files:

* English entries match whole words, case-insensitively, accents folded; spaces,
  hyphens and apostrophes between words are interchangeable (``Hun Sen's``,
  ``Thai-Cambodian``). A hyphen written *inside a lexicon entry* also allows the closed
  form: ``crack-down`` matches "crack-down", "crack down" and "crackdown".
* An entry written in capitals with at most four letters (``CPP``, ``NEC``, ``U.S.``) is
  an acronym: it matches only in capitals, so "us" is never the United States.
* Khmer entries (``km``) are matched as substrings with whitespace ignored, because
  Khmer script does not separate words with spaces (see ``feeds/text.py``).
* Where two entries of one kind overlap, the longest wins: "Sam Rainsy Party" is the
  party and not the person, "house arrest" is not also "arrest".
* An exclusion (``exclude`` / ``km_exclude``) is a longer phrase containing the entry; a
  match inside an exclusion is dropped ("cardiac arrest", "Hun Sen Boulevard"). The
  loader checks that every exclusion really contains its entry.

Each file's format is documented in the module that parses it: ``feeds.lexicon.terms``,
``feeds.lexicon.actors``, ``feeds.lexicon.places`` and ``feeds.lexicon.sentiment``. The
data files and docs/scoring.md refer here rather than repeat it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import MappingProxyType

from feeds import config
from feeds.lexicon import _fields
from feeds.lexicon._fields import phrase_keys
from feeds.lexicon.actors import ACTOR_TYPES, parse_actors
from feeds.lexicon.model import (
    Actor,
    Category,
    LexiconError,
    Lexicons,
    Place,
    PlaceCues,
    Role,
    Term,
    roles_on,
)
from feeds.lexicon.places import (
    PLACE_KINDS,
    PLACES_IN_A_PROVINCE,
    PROVINCIAL,
    iso_order,
    parse_place_cues,
    parse_places,
    province_codes,
)
from feeds.lexicon.sentiment import parse_sentiment
from feeds.lexicon.terms import inflections, parse_terms
from feeds.lexicon.world_names import FILE as WORLD_NAMES
from feeds.lexicon.world_names import parse_world_names

FILES = ("terms.toml", "actors.toml", "places.toml", "sentiment.toml")
OPTIONAL_FILES = (WORLD_NAMES,)  # read when present

__all__ = [
    "ACTOR_TYPES",
    "FILES",
    "PLACES_IN_A_PROVINCE",
    "PLACE_KINDS",
    "PROVINCIAL",
    "Actor",
    "Category",
    "LexiconError",
    "Lexicons",
    "Place",
    "PlaceCues",
    "Role",
    "Term",
    "inflections",
    "iso_order",
    "load_lexicons",
    "phrase_keys",
    "province_codes",
    "roles_on",
]


def load_lexicons(directory: Path | str | None = None) -> Lexicons:
    """Read and validate the four lexicon files (default: ``config.lexicon_dir()``)."""
    if directory is None:
        directory = config.lexicon_dir()
    directory = Path(directory)
    if not directory.is_dir():
        raise LexiconError(f"{directory}: lexicon folder not found")
    known = FILES + OPTIONAL_FILES
    unexpected = sorted(p.name for p in directory.glob("*.toml") if p.name not in known)
    if unexpected:
        raise LexiconError(
            f"{unexpected[0]}: unexpected file in {directory} (expected {', '.join(FILES)})"
        )
    digest = hashlib.sha256()
    raws = {}
    for name in FILES:
        raw, data = _fields.read_toml(directory, name)
        raws[name] = raw
        digest.update(name.encode() + b"\0" + data + b"\0")
    for name in OPTIONAL_FILES:
        if (directory / name).is_file():
            raw, data = _fields.read_toml(directory, name)
            raws[name] = raw
            digest.update(name.encode() + b"\0" + data + b"\0")
    categories, rules = parse_terms(raws["terms.toml"])
    actor_file = parse_actors(raws["actors.toml"])
    places = parse_places(raws["places.toml"])
    if WORLD_NAMES in raws:
        places = parse_world_names(raws[WORLD_NAMES], places)
    sentiment, tone = parse_sentiment(raws["sentiment.toml"])
    lexicons = Lexicons(
        categories=MappingProxyType(categories),
        places=places,
        sentiment=MappingProxyType(sentiment),
        rules=rules,
        tone=tone,
        **actor_file,
        place_cues=parse_place_cues(raws["places.toml"]),
        version=digest.hexdigest()[:12],
        directory=directory,
    )
    return lexicons
