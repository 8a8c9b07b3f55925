"""The lexicons as data: frozen records the scorer and the dashboard read.

Built only by the loader in this package, after validation; nothing here reads files or
compiles anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# Longest category id, and longest actor name or canonical term: the database stores
# them in columns this wide (feeds.store.schema reads these), so a longer one is refused
# when the lexicon loads, not when the first article that matches it is stored.
MAX_CATEGORY_CHARS = 60
MAX_NAME_CHARS = 200


class LexiconError(ValueError):
    """A lexicon file that cannot be used; the message names file, entry and field."""


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
    # context rules (English matches only; terms.py documents them), word lists expanded
    requires: tuple[str, ...] = ()
    veto: tuple[str, ...] = ()
    near: int | None = None  # words either side the context is looked for; None: sentence
    instead: tuple[Instead, ...] = ()
    in_names: bool = False  # may match inside a capitalised proper name


@dataclass(frozen=True)
class Instead:
    """A term whose ``requires`` fails counts for ``category`` when ``near`` is met."""

    category: str
    near: tuple[str, ...]


@dataclass(frozen=True)
class Pair:
    """A match of a ``when`` category near ``near`` words scores ``category`` as well."""

    category: str
    when: tuple[str, ...]
    near: tuple[str, ...]
    weight: float
    label: str
    veto: tuple[str, ...] = ()  # words in the sentence that stop the pair


@dataclass(frozen=True)
class ToneRules:
    """sentiment.toml's ``[article]``: how sentence compounds make the article's tone.

    The defaults are the plain mean of the sentences (what a lexicon without the table
    gets); the reasons for other values are in ``feeds.lexicon.sentiment``."""

    title_weight: float = 1.0  # the headline counts as this many sentences
    negative_weight: float = 1.0  # a negative sentence counts this many times


@dataclass(frozen=True)
class FileRules:
    """terms.toml's file-wide rules: pairs, the past, and page furniture."""

    pairs: tuple[Pair, ...] = ()
    past_markers: tuple[str, ...] = ()  # words that put a sentence in a past era
    past_years: int = 5  # a year this many years before the article's is the past
    past_factor: float = 1.0  # weight multiplier for a sentence about the past
    furniture: tuple[str, ...] = ()  # regular expressions for lines that are not the article
    report_points: float = 0.0  # a category is reported with this many points ...
    report_lead: int = 0  # ... or a match in the title or this many first body sentences


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    description: str
    terms: tuple[Term, ...]
    severity: float = 1.0  # how grave its events are, 0 < s <= 1: multiplies its risk points


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
    western_order: bool = False
    demonyms: tuple[str, ...] = ()
    km_demonyms: tuple[str, ...] = ()
    cambodian: bool = False  # derived from the affiliation chain
    forms: tuple[str, ...] = ()  # every English form matched: name, aliases, generated
    km_forms: tuple[str, ...] = ()  # every Khmer form matched

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
    scripts: tuple[str, ...] = ()  # names in other scripts (world_names.toml): substrings
    iso: str | None = None  # provinces and the capital: their ISO 3166-2:KH code
    at: tuple[float, float] | None = None  # (longitude, latitude): a point on the map


@dataclass(frozen=True)
class PlaceCues:
    """Words that say a place mention is not what an article is about (``[mentions]``)."""

    address: tuple[str, ...] = ()  # with a digit in the sentence: a postal address line
    lists: tuple[str, ...] = ()  # just before two or more places: a passing list


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
    place_words: tuple[str, ...] = ()
    km_place_words: tuple[str, ...] = ()
    credit_words: tuple[str, ...] = ()
    km_credit_words: tuple[str, ...] = ()
    credit_after_words: tuple[str, ...] = ()
    km_credit_after_words: tuple[str, ...] = ()
    rules: FileRules = FileRules()
    tone: ToneRules = ToneRules()
    place_cues: PlaceCues = PlaceCues()
    version: str = ""
    directory: Path | None = None

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
