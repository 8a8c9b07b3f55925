"""The lexicons as data: frozen records the scorer and the dashboard read.

Built only by the loader in this package, after validation; nothing here reads files or
compiles anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path


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
