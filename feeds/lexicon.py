"""The lexicon files: load, validate and compile ``data/lexicons/*.toml``.

Four TOML files, all required, none other allowed in the folder (a misspelt file name is
an error rather than a silently ignored file). Every problem raises :class:`LexiconError`
naming the file, the entry and the field. Matching rules shared by all files:

* English entries match whole words, case-insensitively, accents folded; spaces,
  hyphens and apostrophes between words are interchangeable (``Hun Sen's``,
  ``Thai-Cambodian``). A hyphen written *inside a lexicon entry* also allows the closed
  form: ``crack-down`` matches "crack-down", "crack down" and "crackdown".
* An entry written in capitals with at most four letters (``CPP``, ``NEC``, ``U.S.``) is
  an acronym: it matches only in capitals, so "us" is never the United States.
* Khmer entries (``km``) are matched as substrings with whitespace ignored, because
  Khmer script does not separate words with spaces (see ``feeds/score/text.py``).
* Where two entries of one kind overlap, the longest wins: "Sam Rainsy Party" is the
  party and not the person, "house arrest" is not also "arrest".
* An exclusion (``exclude`` / ``km_exclude``) is a longer phrase containing the entry; a
  match inside an exclusion is dropped ("cardiac arrest", "Hun Sen Boulevard"). The
  loader checks that every exclusion really contains its entry.

terms.toml: risk terms by category
----------------------------------
::

    [categories.arrests_legal]              # id: lower case, digits, underscores
    label = "Arrests & prosecutions"        # shown on the dashboard
    description = "What the category covers"

    [[categories.arrests_legal.terms]]
    term = "arrest"                 # canonical term, also matched
    weight = 3.0                    # 0 < weight <= 10
    inflect = "all"                 # "all" (default): arrests, arrested, arresting;
                                    # "plural": only the -s form; "none"
    variants = []                   # other spellings, inflected like the term
    forms = []                      # irregular or extra forms, matched as written
    exclude = ["cardiac arrest"]    # written with the base form; covers every form
    km = ["ចាប់ខ្លួន"]                # Khmer forms
    km_exclude = []                 # Khmer exclusions, each containing a Khmer form
    note = ""                       # optional comment for editors

Regular inflections are generated on the last word (``-s/-es/-ies``, ``-ed/-d/-ied``,
``-ing``, final consonant doubled in one-syllable words: ban, banned, banning). A term's
forms may not collide with another term's.

actors.toml: people and organisations
-------------------------------------
::

    honorifics = ["Samdech", "H.E."]   # before an alias, become part of the mention
    km_honorifics = ["សម្តេច"]
    titles = ["Prime Minister"]         # job titles, ignored when collecting unlisted names

    [[actor]]
    id = "hun-sen"                      # unique; lower case, digits, hyphens
    name = "Hun Sen"                    # canonical name, unique, also an alias
    type = "person"                     # person party government_body court military
                                        # foreign_government international_org ngo media
    affiliation = "cpp"                 # another actor's id, or a country / body name
    aliases = ["Samdech Techo"]         # each unique across all actors
    context_aliases = []                # short forms ("Sokha") that match only after a
                                        # full alias of the same actor in the article
    km = ["ហ៊ុន សែន"]
    exclude = ["Hun Sen Boulevard"]
    decisive = true                     # may decide relevance alone (default true)
    roles = [{ title = "Prime Minister", from = 1985-01-14, to = 2023-08-22 }]
    note = ""                           # facts shown on the dashboard

``from``/``to`` are dates or years; either may be missing (open-ended). For a person, a
one-word alias of under five letters ("Hun", "Kem") is refused: put it in
``context_aliases``. An actor is Cambodian when its affiliation is "Cambodia" or leads,
through other actors' ids, to one that is; Cambodian actors count for relevance.

places.toml: the relevance gazetteer
------------------------------------
::

    [[place]]
    name = "Poipet"                     # unique, also an alias
    kind = "border_crossing"            # one of PLACE_KINDS (see places.toml's header)
    aliases = ["Paoy Paet"]
    km = ["ប៉ោយប៉ែត"]
    province = "Banteay Meanchey"       # the province (or capital) it lies in
    iso = "KH-1"                        # provinces and the capital only: ISO 3166-2:KH
    decisive = true                     # false: generic name ("Senate"); two different
                                        # non-decisive names are needed
    exclude = []

The 25 provincial-level units (kind "province" or "capital") each carry a distinct ``iso``
code, KH-1 to KH-25, and all 25 must be present. Places of the kinds in
``PLACES_IN_A_PROVINCE`` must name their province; any other place may.
:func:`province_codes` gives every place's province as an ISO code.

sentiment.toml: changes to VADER's word list
--------------------------------------------
::

    [words]
    troops = -0.8       # one lower-case word -> valence in [-4, 4]; 0 removes the word

VADER reads single words only, so multi-word keys are refused.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

FILES = ("terms.toml", "actors.toml", "places.toml", "sentiment.toml")
ACTOR_TYPES = (
    "person",
    "party",
    "government_body",
    "court",
    "military",
    "foreign_government",
    "international_org",
    "ngo",
    "media",
)
PLACE_KINDS = (
    "country",
    "capital",
    "province",
    "town",
    "border_crossing",
    "institution",
    "landmark",
    "district_town",
    "district",
    "temple",
    "border_site",
    "sez",
    "compound",
)
# Kinds that are one spot on the map, so they must say which province they lie in.
PLACES_IN_A_PROVINCE = (
    "district_town", "district", "border_crossing", "temple", "border_site", "sez", "compound"
)
PROVINCIAL = ("province", "capital")
PROVINCE_COUNT = 25  # ISO 3166-2:KH: KH-1 ... KH-25
_ISO = re.compile(r"KH-([1-9][0-9]?)")
INFLECT_MODES = ("all", "plural", "none")
MAX_WEIGHT = 10.0
VADER_RANGE = 4.0


class LexiconError(ValueError):
    """A lexicon file that cannot be used; the message names file, entry and field."""


# --- data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    category: str
    term: str
    weight: float
    inflect: str = "all"
    variants: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    km: tuple[str, ...] = ()
    km_exclude: tuple[str, ...] = ()
    note: str = ""
    surface: tuple[str, ...] = ()  # every English form matched, generated at load
    exclusions: tuple[str, ...] = ()  # every exclusion phrase, with the term's forms


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    description: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Role:
    title: str
    start: date | None = None
    end: date | None = None
    note: str = ""

    def active_on(self, when: date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)

    @property
    def label(self) -> str:
        """``Prime Minister (2023–)``, ``Prime Minister (1985–2023)``, ``X (–2017)``."""
        if self.start is None and self.end is None:
            return self.title
        a = str(self.start.year) if self.start else ""
        b = str(self.end.year) if self.end else ""
        return f"{self.title} ({a}\u2013{b})"


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    type: str
    affiliation: str
    aliases: tuple[str, ...] = ()
    context_aliases: tuple[str, ...] = ()
    km: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    note: str = ""
    decisive: bool = True
    cambodian: bool = False  # derived from the affiliation chain

    def roles_on(self, when: date) -> list[Role]:
        return roles_on(self, when)


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    km: tuple[str, ...] = ()
    province: str | None = None
    decisive: bool = True
    exclude: tuple[str, ...] = ()
    iso: str | None = None  # provinces and the capital: their ISO 3166-2:KH code


def province_codes(places: tuple[Place, ...] | list[Place]) -> dict[str, str]:
    """Place name -> ISO code of its province; a province maps to its own code.

    Places with no province (the country, institutions, the Tonle Sap) are left out.
    """
    iso = {p.name: p.iso for p in places if p.iso}
    out = dict(iso)
    for p in places:
        if p.province is not None and p.province in iso:
            out[p.name] = iso[p.province]
    return out


@dataclass(frozen=True, eq=False)
class Lexicons:
    """The four files, validated. Compare lexicons by ``version``, not by ``==``."""

    categories: Mapping[str, Category]
    actors: tuple[Actor, ...]
    places: tuple[Place, ...]
    sentiment: Mapping[str, float]  # VADER overrides: word -> valence (0 = removed)
    honorifics: tuple[str, ...] = ()
    km_honorifics: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    version: str = ""
    directory: Path | None = None
    compiled: Any = field(default=None, repr=False)  # feeds.score's matcher, built once

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(t for c in self.categories.values() for t in c.terms)

    @property
    def category_labels(self) -> dict[str, str]:
        return {c.id: c.label for c in self.categories.values()}

    def actor(self, key: str) -> Actor | None:
        """An actor by id or canonical name."""
        for a in self.actors:
            if a.id == key or a.name == key:
                return a
        return None


def roles_on(actor: Actor, when: date) -> list[Role]:
    """The actor's roles held on ``when``; show them with ``role.label``."""
    return [r for r in actor.roles if r.active_on(when)]


# --- inflection -----------------------------------------------------------------------

_ONE_SYLLABLE_CVC = re.compile(r"[^aeiou]*[aeiou][^aeiouwxy]")


def _plural(w: str) -> str:
    if w.endswith(("s", "x", "z", "ch", "sh")):
        return w + "es"
    if len(w) > 1 and w.endswith("y") and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    return w + "s"


def _past(w: str) -> str:
    if w.endswith("e"):
        return w + "d"
    if len(w) > 1 and w.endswith("y") and w[-2] not in "aeiou":
        return w[:-1] + "ied"
    if _ONE_SYLLABLE_CVC.fullmatch(w):
        return w + w[-1] + "ed"
    return w + "ed"


def _gerund(w: str) -> str:
    if w.endswith("ie"):
        return w[:-2] + "ying"
    if w.endswith(("ee", "ye", "oe")):
        return w + "ing"
    if w.endswith("e") and len(w) > 2:
        return w[:-1] + "ing"
    if _ONE_SYLLABLE_CVC.fullmatch(w):
        return w + w[-1] + "ing"
    return w + "ing"


def inflections(phrase: str, mode: str) -> list[str]:
    """Regular forms of ``phrase`` made on its last word; ``mode`` as in terms.toml."""
    if mode == "none":
        return []
    head, _, last = phrase.rpartition(" ")
    prefix = head + " " if head else ""
    lower = last.lower()
    if not lower.isalpha() and "-" not in lower:
        return []
    makers = (_plural,) if mode == "plural" else (_plural, _past, _gerund)
    return [prefix + make(lower) for make in makers]


def phrase_keys(phrase: str) -> list[str]:
    """Lookup keys of an English phrase: with a written hyphen also the closed form."""
    from feeds.score.text import phrase_key, phrase_variants  # lazy: feeds.score imports us

    keys: list[str] = []
    for variant in phrase_variants(phrase):
        key = phrase_key(variant)
        if key not in keys:
            keys.append(key)
    return keys


# --- validation helpers ---------------------------------------------------------------


class _Where:
    def __init__(self, file: str, entry: str) -> None:
        self.file = file
        self.entry = entry

    def error(self, fieldname: str | None, message: str) -> LexiconError:
        where = f"{self.file}: {self.entry}"
        if fieldname:
            where += f": field {fieldname!r}"
        return LexiconError(f"{where}: {message}")


def _check_fields(where: _Where, table: Any, allowed: set[str], required: tuple[str, ...]):
    if not isinstance(table, dict):
        raise where.error(None, f"expected a table, got {type(table).__name__}")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise where.error(unknown[0], f"unknown field (allowed: {', '.join(sorted(allowed))})")
    for name in required:
        if name not in table:
            raise where.error(name, "missing required field")


def _string(where: _Where, table: dict, name: str, default: str | None = None) -> str:
    value = table.get(name, default)
    if not isinstance(value, str):
        raise where.error(name, f"must be a string, got {type(value).__name__}")
    value = value.strip()
    if not value and default is None:
        raise where.error(name, "must not be empty")
    return value


def _strings(where: _Where, table: dict, name: str) -> tuple[str, ...]:
    value = table.get(name, [])
    if not isinstance(value, list):
        raise where.error(name, f"must be a list of strings, got {type(value).__name__}")
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise where.error(name, f"must hold non-empty strings, got {item!r}")
        out.append(item.strip())
    return tuple(out)


def _bool(where: _Where, table: dict, name: str, default: bool) -> bool:
    value = table.get(name, default)
    if not isinstance(value, bool):
        raise where.error(name, f"must be true or false, got {value!r}")
    return value


def _english_keys(where: _Where, name: str, phrase: str) -> list[str]:
    from feeds.score.text import has_khmer

    if has_khmer(phrase):
        raise where.error(name, f"{phrase!r} is Khmer script; put it under 'km'")
    try:
        return phrase_keys(phrase)
    except ValueError as exc:
        raise where.error(name, f"{phrase!r} {exc}") from None


def _khmer_key(where: _Where, name: str, phrase: str) -> str:
    from feeds.score.text import _LATIN_RUN, has_khmer, khmer_key

    if not has_khmer(phrase) or _LATIN_RUN.search(phrase):
        raise where.error(name, f"{phrase!r} must be written in Khmer script only")
    return khmer_key(phrase)


def _contains(words: list[str], part: list[str]) -> int:
    """Index where ``part`` occurs in ``words`` as consecutive words, or -1."""
    n = len(part)
    for i in range(len(words) - n + 1):
        if words[i : i + n] == part:
            return i
    return -1


def _claim_khmer(where: _Where, aliases: tuple[str, ...], seen: dict[str, str], owner: str,
                 noun: str, taken: str) -> None:
    """Record Khmer-script names for ``owner``; a name claimed twice is an error."""
    for alias in aliases:
        key = _khmer_key(where, "km", alias)
        previous = seen.get(key)
        if previous:
            raise where.error(
                "km",
                f"duplicate {noun} {alias!r}"
                + ("" if previous == owner else f": already {taken} {previous!r}"),
            )
        seen[key] = owner


def _expand_exclusion(where: _Where, name: str, phrase: str, keys: list[str]) -> list[str]:
    """Exclusion keys: ``phrase`` with its entry replaced by each of the entry's forms.

    A hyphenated exclusion also has a closed form ("anticorruption unit"); forms that no
    longer contain the entry are skipped, but at least one must contain it.
    """
    out: list[str] = []
    for ek in _english_keys(where, name, phrase):
        words = ek.split(" ")
        spot = None
        for key in sorted(keys, key=lambda k: -len(k.split(" "))):
            part = key.split(" ")
            i = _contains(words, part)
            if i >= 0:
                spot = (i, len(part))
                break
        if spot is None:
            continue
        i, n = spot
        for key in keys:
            variant = " ".join(words[:i] + key.split(" ") + words[i + n :])
            if variant not in out:
                out.append(variant)
    if not out:
        raise where.error(name, f"{phrase!r} does not contain the entry or any of its forms")
    return out


def _date(where: _Where, name: str, value: Any, end: bool) -> date | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise where.error(name, f"must be a date (YYYY-MM-DD) or a year, got {value!r}")
    if isinstance(value, int):
        if not 1800 <= value <= 2200:
            raise where.error(name, f"year {value} is out of range")
        return date(value, 12, 31) if end else date(value, 1, 1)
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    raise where.error(name, f"must be a date (YYYY-MM-DD) or a year, got {value!r}")


def _read(directory: Path, name: str) -> tuple[dict, bytes]:
    path = directory / name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LexiconError(f"{name}: missing from {directory}") from None
    except OSError as exc:
        raise LexiconError(f"{name}: cannot be read: {exc}") from None
    try:
        return tomllib.loads(data.decode("utf-8")), data
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{name}: not UTF-8: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{name}: not valid TOML: {exc}") from None


# --- terms ----------------------------------------------------------------------------

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TERM_FIELDS = {
    "term",
    "weight",
    "inflect",
    "variants",
    "forms",
    "exclude",
    "km",
    "km_exclude",
    "note",
}


def _parse_terms(raw: dict) -> dict[str, Category]:
    file = "terms.toml"
    extra = sorted(set(raw) - {"categories"})
    if extra:
        raise LexiconError(
            f"{file}: unknown top-level key {extra[0]!r} (expected [categories.<id>] tables)"
        )
    cats = raw.get("categories")
    if not isinstance(cats, dict) or not cats:
        raise LexiconError(f"{file}: no [categories.<id>] tables")
    out: dict[str, Category] = {}
    seen_keys: dict[str, str] = {}  # key -> "category/term"
    seen_km: dict[str, str] = {}
    for cid, table in cats.items():
        where = _Where(file, f"category {cid!r}")
        if not _ID.match(cid):
            raise where.error(None, "id must be lower case letters, digits and underscores")
        _check_fields(
            where, table, {"label", "description", "terms"}, ("label", "description", "terms")
        )
        label = _string(where, table, "label")
        description = _string(where, table, "description")
        entries = table["terms"]
        if not isinstance(entries, list) or not entries:
            raise where.error("terms", "needs at least one [[categories.<id>.terms]] entry")
        terms = []
        for n, entry in enumerate(entries, start=1):
            name = entry.get("term") if isinstance(entry, dict) else None
            label_t = f"term {name!r}" if isinstance(name, str) else f"term #{n}"
            tw = _Where(file, f"category {cid!r}, {label_t}")
            _check_fields(tw, entry, _TERM_FIELDS, ("term", "weight"))
            term = _string(tw, entry, "term")
            weight = entry["weight"]
            if isinstance(weight, bool) or not isinstance(weight, int | float):
                raise tw.error("weight", f"must be a number, got {weight!r}")
            if not 0 < weight <= MAX_WEIGHT:
                raise tw.error("weight", f"must be > 0 and <= {MAX_WEIGHT:g}, got {weight!r}")
            inflect = _string(tw, entry, "inflect", "all")
            if inflect not in INFLECT_MODES:
                raise tw.error(
                    "inflect", f"must be one of {', '.join(INFLECT_MODES)}, got {inflect!r}"
                )
            variants = _strings(tw, entry, "variants")
            forms = _strings(tw, entry, "forms")
            surface: list[str] = []
            for base in (term, *variants):
                for s in (base, *inflections(base, inflect)):
                    if s not in surface:
                        surface.append(s)
            for s in forms:
                if s not in surface:
                    surface.append(s)
            keys: list[str] = []
            for s in surface:
                fieldname = "forms" if s in forms else "variants" if s in variants else "term"
                for k in _english_keys(tw, fieldname, s):
                    if k in keys:
                        continue
                    other = seen_keys.get(k)
                    if other:
                        raise tw.error(fieldname, f"form {k!r} is already a form of {other}")
                    seen_keys[k] = f"term {term!r} in category {cid!r}"
                    keys.append(k)
            exclusions: list[str] = []
            exclude = _strings(tw, entry, "exclude")
            for phrase in exclude:
                for k in _expand_exclusion(tw, "exclude", phrase, keys):
                    if k not in exclusions:
                        exclusions.append(k)
            km = _strings(tw, entry, "km")
            km_keys = []
            for phrase in km:
                k = _khmer_key(tw, "km", phrase)
                other = seen_km.get(k)
                if other:
                    raise tw.error("km", f"{phrase!r} is already a form of {other}")
                seen_km[k] = f"term {term!r} in category {cid!r}"
                km_keys.append(k)
            km_exclude = _strings(tw, entry, "km_exclude")
            for phrase in km_exclude:
                k = _khmer_key(tw, "km_exclude", phrase)
                if not any(f in k for f in km_keys):
                    raise tw.error(
                        "km_exclude", f"{phrase!r} does not contain any of the term's Khmer forms"
                    )
            note = _string(tw, entry, "note", "")
            terms.append(
                Term(
                    category=cid,
                    term=term,
                    weight=float(weight),
                    inflect=inflect,
                    variants=variants,
                    forms=forms,
                    exclude=exclude,
                    km=km,
                    km_exclude=km_exclude,
                    note=note,
                    surface=tuple(surface),
                    exclusions=tuple(exclusions),
                )
            )
        out[cid] = Category(id=cid, label=label, description=description, terms=tuple(terms))
    return out


# --- actors ---------------------------------------------------------------------------

_ACTOR_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ACTOR_FIELDS = {
    "id",
    "name",
    "type",
    "affiliation",
    "aliases",
    "context_aliases",
    "km",
    "exclude",
    "roles",
    "note",
    "decisive",
}
_ROLE_FIELDS = {"title", "from", "to", "note"}


def _parse_actors(
    raw: dict,
) -> tuple[tuple[Actor, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    file = "actors.toml"
    top = _Where(file, "top level")
    extra = sorted(set(raw) - {"honorifics", "km_honorifics", "titles", "actor"})
    if extra:
        raise top.error(
            extra[0],
            "unknown key (expected honorifics, km_honorifics, titles and [[actor]] tables)",
        )
    honorifics = _strings(top, raw, "honorifics")
    for h in honorifics:
        _english_keys(top, "honorifics", h)
    km_honorifics = _strings(top, raw, "km_honorifics")
    for h in km_honorifics:
        _khmer_key(top, "km_honorifics", h)
    titles = _strings(top, raw, "titles")
    for t in titles:
        _english_keys(top, "titles", t)
    tables = raw.get("actor")
    if not isinstance(tables, list) or not tables:
        raise LexiconError(f"{file}: no [[actor]] tables")

    actors: list[Actor] = []
    ids: set[str] = set()
    names: dict[str, str] = {}
    full: dict[str, str] = {}  # alias key -> actor id
    km_seen: dict[str, str] = {}
    context: dict[str, list[str]] = {}
    for n, table in enumerate(tables, start=1):
        ident = table.get("id") if isinstance(table, dict) else None
        where = _Where(file, f"actor {ident!r}" if isinstance(ident, str) else f"actor #{n}")
        _check_fields(where, table, _ACTOR_FIELDS, ("id", "name", "type", "affiliation"))
        ident = _string(where, table, "id")
        if not _ACTOR_ID.match(ident):
            raise where.error("id", "must be lower case letters, digits and hyphens")
        if ident in ids:
            raise where.error("id", "repeats an earlier actor's id")
        ids.add(ident)
        name = _string(where, table, "name")
        if name in names:
            raise where.error("name", f"{name!r} is already the name of actor {names[name]!r}")
        names[name] = ident
        kind = _string(where, table, "type")
        if kind not in ACTOR_TYPES:
            raise where.error("type", f"must be one of {', '.join(ACTOR_TYPES)}, got {kind!r}")
        affiliation = _string(where, table, "affiliation")
        aliases = _strings(where, table, "aliases")
        keys: list[str] = []
        for fieldname, alias in [("name", name)] + [("aliases", a) for a in aliases]:
            for k in _english_keys(where, fieldname, alias):
                if kind == "person" and " " not in k and len(k) < 5 and not _is_acronym(alias):
                    raise where.error(
                        fieldname,
                        f"{alias!r} is too short to match on its "
                        "own; list it under 'context_aliases'",
                    )
                owner = full.get(k)
                if owner == ident or k in keys:
                    raise where.error(fieldname, f"duplicate alias {alias!r}")
                if owner:
                    raise where.error(
                        fieldname, f"duplicate alias {alias!r}: already an alias of actor {owner!r}"
                    )
                full[k] = ident
                keys.append(k)
        ctx = _strings(where, table, "context_aliases")
        for alias in ctx:
            for k in _english_keys(where, "context_aliases", alias):
                context.setdefault(k, []).append(ident)
        km = _strings(where, table, "km")
        _claim_khmer(where, km, km_seen, ident, "alias", "an alias of actor")
        exclude = _strings(where, table, "exclude")
        for phrase in exclude:
            _expand_exclusion(where, "exclude", phrase, keys)
        roles_raw = table.get("roles", [])
        if not isinstance(roles_raw, list):
            raise where.error("roles", "must be a list of tables")
        roles = []
        for r, role in enumerate(roles_raw, start=1):
            rw = _Where(file, f"actor {ident!r}, role #{r}")
            _check_fields(rw, role, _ROLE_FIELDS, ("title",))
            start = _date(rw, "from", role.get("from"), end=False)
            end = _date(rw, "to", role.get("to"), end=True)
            if start and end and end < start:
                raise rw.error("to", f"{end} is before 'from' {start}")
            roles.append(
                Role(
                    title=_string(rw, role, "title"),
                    start=start,
                    end=end,
                    note=_string(rw, role, "note", ""),
                )
            )
        actors.append(
            Actor(
                id=ident,
                name=name,
                type=kind,
                affiliation=affiliation,
                aliases=aliases,
                context_aliases=ctx,
                km=km,
                exclude=exclude,
                roles=tuple(roles),
                note=_string(where, table, "note", ""),
                decisive=_bool(where, table, "decisive", True),
            )
        )
    for k, owners in context.items():
        if k in full:
            where = _Where(file, f"actor {owners[0]!r}")
            raise where.error(
                "context_aliases",
                f"{k!r} is a full alias of actor {full[k]!r}; it cannot also be a context alias",
            )
    # Cambodian: affiliation "Cambodia", or an actor id leading there.
    by_id = {a.id: a for a in actors}

    def cambodian(a: Actor, trail: tuple[str, ...] = ()) -> bool:
        if a.affiliation.lower() in ("cambodia", "kingdom of cambodia"):
            return True
        parent = by_id.get(a.affiliation)
        if parent is None:
            return False
        if parent.id in trail:
            where = _Where(file, f"actor {a.id!r}")
            raise where.error("affiliation", f"affiliations form a loop: {' -> '.join(trail)}")
        return cambodian(parent, trail + (a.id,))

    final = tuple(Actor(**{**a.__dict__, "cambodian": cambodian(a, (a.id,))}) for a in actors)
    return final, honorifics, km_honorifics, titles


def _is_acronym(alias: str) -> bool:
    from feeds.score.text import is_acronym

    return is_acronym(alias)


# --- places ---------------------------------------------------------------------------

_PLACE_FIELDS = {"name", "kind", "aliases", "km", "province", "decisive", "exclude", "iso"}


def _parse_places(raw: dict) -> tuple[Place, ...]:
    file = "places.toml"
    extra = sorted(set(raw) - {"place"})
    if extra:
        raise LexiconError(
            f"{file}: unknown top-level key {extra[0]!r} (expected [[place]] tables)"
        )
    tables = raw.get("place")
    if not isinstance(tables, list) or not tables:
        raise LexiconError(f"{file}: no [[place]] tables")
    places: list[Place] = []
    seen: dict[str, str] = {}
    km_seen: dict[str, str] = {}
    for n, table in enumerate(tables, start=1):
        pname = table.get("name") if isinstance(table, dict) else None
        where = _Where(file, f"place {pname!r}" if isinstance(pname, str) else f"place #{n}")
        _check_fields(where, table, _PLACE_FIELDS, ("name", "kind"))
        name = _string(where, table, "name")
        kind = _string(where, table, "kind")
        if kind not in PLACE_KINDS:
            raise where.error("kind", f"must be one of {', '.join(PLACE_KINDS)}, got {kind!r}")
        aliases = _strings(where, table, "aliases")
        keys: list[str] = []
        for fieldname, alias in [("name", name)] + [("aliases", a) for a in aliases]:
            for k in _english_keys(where, fieldname, alias):
                owner = seen.get(k)
                if owner:
                    raise where.error(
                        fieldname,
                        f"duplicate name {alias!r}"
                        + ("" if owner == name else f": already used by place {owner!r}"),
                    )
                seen[k] = name
                keys.append(k)
        km = _strings(where, table, "km")
        _claim_khmer(where, km, km_seen, name, "name", "used by place")
        exclude = _strings(where, table, "exclude")
        for phrase in exclude:
            _expand_exclusion(where, "exclude", phrase, keys)
        province = table.get("province")
        if province is not None:
            province = _string(where, table, "province")
        elif kind in PLACES_IN_A_PROVINCE:
            raise where.error("province", f"missing: a place of kind {kind!r} needs its province")
        iso = _place_iso(where, table, kind)
        places.append(
            Place(
                name=name,
                kind=kind,
                aliases=aliases,
                km=km,
                province=province,
                decisive=_bool(where, table, "decisive", True),
                exclude=exclude,
                iso=iso,
            )
        )
    _check_provinces(file, places)
    return tuple(places)


def _place_iso(where: _Where, table: dict, kind: str) -> str | None:
    """The ``iso`` field: required on provincial units, refused on anything else."""
    if kind not in PROVINCIAL:
        if "iso" in table:
            raise where.error("iso", f"only a province or the capital has one, not a {kind}")
        return None
    if "iso" not in table:
        raise where.error("iso", "missing: a province needs its ISO 3166-2:KH code (KH-1 to KH-25)")
    iso = _string(where, table, "iso")
    m = _ISO.fullmatch(iso)
    if not m or not 1 <= int(m.group(1)) <= PROVINCE_COUNT:
        raise where.error("iso", f"{iso!r} is not an ISO 3166-2:KH code (KH-1 to KH-25)")
    return iso


def _check_provinces(file: str, places: list[Place]) -> None:
    """Unique ISO codes, all 25 of them, and every ``province`` naming one of the units."""
    codes: dict[str, str] = {}
    for p in places:
        if p.iso in codes:
            raise _Where(file, f"place {p.name!r}").error(
                "iso", f"{p.iso!r} is already the code of {codes[p.iso]!r}"
            )
        if p.iso:
            codes[p.iso] = p.name
    missing = [f"KH-{n}" for n in range(1, PROVINCE_COUNT + 1) if f"KH-{n}" not in codes]
    if missing:
        raise LexiconError(
            f"{file}: the 25 provinces and the capital are incomplete: no place has "
            f"iso {', '.join(missing)}"
        )
    for p in places:
        if p.province is not None and p.province not in codes.values():
            raise _Where(file, f"place {p.name!r}").error(
                "province", f"{p.province!r} is not a place of kind province or capital"
            )


# --- sentiment ------------------------------------------------------------------------


def _parse_sentiment(raw: dict) -> dict[str, float]:
    file = "sentiment.toml"
    extra = sorted(set(raw) - {"words"})
    if extra:
        raise LexiconError(f"{file}: unknown top-level key {extra[0]!r} (expected [words])")
    words = raw.get("words", {})
    if not isinstance(words, dict):
        raise LexiconError(f"{file}: [words] must be a table of word = valence")
    out: dict[str, float] = {}
    for word, value in words.items():
        where = _Where(file, f"word {word!r}")
        if not word or word != word.lower() or any(c.isspace() for c in word):
            raise where.error(None, "must be one lower-case word (VADER reads single words)")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise where.error(None, f"valence must be a number, got {value!r}")
        if not -VADER_RANGE <= value <= VADER_RANGE:
            raise where.error(None, f"valence must be within [-4, 4], got {value!r}")
        out[word] = float(value)
    return out


# --- loading --------------------------------------------------------------------------


def load_lexicons(directory: Path | str | None = None) -> Lexicons:
    """Read, validate and compile the four lexicon files (default ``LEXICON_DIR``)."""
    if directory is None:
        from feeds import config

        directory = config.LEXICON_DIR
    directory = Path(directory)
    if not directory.is_dir():
        raise LexiconError(f"{directory}: lexicon folder not found")
    unexpected = sorted(p.name for p in directory.glob("*.toml") if p.name not in FILES)
    if unexpected:
        raise LexiconError(
            f"{unexpected[0]}: unexpected file in {directory} (expected {', '.join(FILES)})"
        )
    digest = hashlib.sha256()
    raws = {}
    for name in FILES:
        raw, data = _read(directory, name)
        raws[name] = raw
        digest.update(name.encode() + b"\0" + data + b"\0")
    categories = _parse_terms(raws["terms.toml"])
    actors, honorifics, km_honorifics, titles = _parse_actors(raws["actors.toml"])
    places = _parse_places(raws["places.toml"])
    sentiment = _parse_sentiment(raws["sentiment.toml"])
    lexicons = Lexicons(
        categories=MappingProxyType(categories),
        actors=actors,
        places=places,
        sentiment=MappingProxyType(sentiment),
        honorifics=honorifics,
        km_honorifics=km_honorifics,
        titles=titles,
        version=digest.hexdigest()[:12],
        directory=directory,
    )
    from feeds.score import compiled

    compiled(lexicons)  # build the matcher and VADER now, not on the first article
    return lexicons
