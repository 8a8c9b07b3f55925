"""The dashboard's shared filters and their URL form.

Every filter lives in the query string so a copied link reproduces the view:

=========  ===========================================================================
``start``  first day, ``YYYY-MM-DD`` (inclusive). Default: ``end`` minus 89 days.
``end``    last day, ``YYYY-MM-DD`` (inclusive). Default: the newest article's day.
``source`` a feed name; repeat the key for several (any of them matches).
``category`` a risk category key such as ``security_military``; repeatable (any).
``actor``  a canonical actor name; repeatable (any).
``province`` an ISO 3166-2:KH code such as ``KH-12`` (Phnom Penh); repeatable (any):
           articles that report from or about that province (``article_places``).
``lang``   a language code such as ``en`` or ``km``.
``q``      text that the title or text must contain (case-insensitive in any script).
=========  ===========================================================================

Different keys combine with AND. A value that cannot be used (a malformed or impossible
date, ``start`` after ``end``, a source, category, actor, province or language the
database or the gazetteer does not know) is dropped and reported in a notice; parsing
never raises. Dates are kept between ``FIRST_DAY`` (1990-01-01) and tomorrow: a date
outside is moved to the nearer end, with a notice, so no page computes a window beyond
what dates can hold (``start=0001-01-01`` would put the previous window before year 1).

Pure functions only: no Streamlit, no database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

DEFAULT_WINDOW_DAYS = 90
FIRST_DAY = date(1990, 1, 1)  # no Cambodian news feed reaches further back
MAX_VALUES = 50  # repeated values kept per key; the rest are ignored
MAX_QUERY_CHARS = 200
MAX_SHOWN_CHARS = 60  # of a rejected value, inside a notice

FILTER_KEYS = ("start", "end", "source", "category", "actor", "province", "lang", "q")

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class KnownValues:
    """What the database knows, to validate URL values against.

    ``languages=None`` accepts any well-formed language code.
    """

    sources: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    languages: frozenset[str] | None = None
    min_day: date | None = None
    max_day: date | None = None  # newest relevant article's day; anchors the default
    provinces: frozenset[str] = frozenset()  # ISO codes, KH-1 ... KH-25

    @classmethod
    def of(
        cls,
        *,
        sources: Iterable[str] = (),
        categories: Iterable[str] = (),
        actors: Iterable[str] = (),
        languages: Iterable[str] | None = None,
        min_day: date | None = None,
        max_day: date | None = None,
        provinces: Iterable[str] = (),
    ) -> KnownValues:
        return cls(
            frozenset(sources),
            frozenset(categories),
            frozenset(actors),
            None if languages is None else frozenset(languages),
            min_day,
            max_day,
            frozenset(provinces),
        )


@dataclass(frozen=True)
class Filters:
    """A resolved, valid set of filters. Hashable, so it can key a cache."""

    start: date
    end: date
    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    lang: str | None = None
    q: str | None = None
    provinces: tuple[str, ...] = ()
    # Whether start/end came from the URL (written back) or from the default window.
    explicit_start: bool = field(default=False, compare=False)
    explicit_end: bool = field(default=False, compare=False)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous_window(self) -> tuple[date, date]:
        """The window of equal length that ends the day before ``start``."""
        prev_end = self.start - timedelta(days=1)
        return prev_end - timedelta(days=self.days - 1), prev_end

    def with_(self, **changes) -> Filters:
        """A copy with changes; a changed start/end counts as explicit."""
        if "start" in changes:
            changes.setdefault("explicit_start", True)
        if "end" in changes:
            changes.setdefault("explicit_end", True)
        for key in ("sources", "categories", "actors", "provinces"):
            if key in changes:
                changes[key] = tuple(changes[key])
        return replace(self, **changes)


def last_day(today: date | None = None) -> date:
    """The latest date a filter may hold: tomorrow (a feed's clock may run ahead)."""
    return (today or date.today()) + timedelta(days=1)


def default_window(known: KnownValues, today: date | None = None) -> tuple[date, date]:
    """The last ``DEFAULT_WINDOW_DAYS`` days ending at the newest article's day (kept
    within the allowed range, should a feed have dated an article absurdly)."""
    end = known.max_day or today or date.today()
    end = min(max(end, FIRST_DAY + timedelta(days=DEFAULT_WINDOW_DAYS - 1)), last_day(today))
    return end - timedelta(days=DEFAULT_WINDOW_DAYS - 1), end


def _shown(value: str) -> str:
    value = _CONTROL.sub(" ", value)
    if len(value) > MAX_SHOWN_CHARS:
        value = value[: MAX_SHOWN_CHARS - 1] + "…"
    return repr(value)


def _values(params: Mapping[str, Iterable[str]], key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    if isinstance(raw, str):  # tolerate a plain mapping of str
        raw = [raw]
    return [str(v) for v in raw]


def _last(params: Mapping[str, Iterable[str]], key: str) -> str | None:
    """The last non-blank value of a single-valued key (like a browser form would)."""
    values = [v.strip() for v in _values(params, key) if v.strip()]
    return values[-1] if values else None


def _parse_day(key: str, value: str | None, notices: list[str]) -> date | None:
    if value is None:
        return None
    if not _DAY.match(value):
        notices.append(f"Ignored {key}={_shown(value)}: not a date in YYYY-MM-DD form.")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        notices.append(f"Ignored {key}={_shown(value)}: no such date.")
        return None


def _clamp_day(key: str, value: date | None, today: date | None,
               notices: list[str]) -> date | None:
    if value is None:
        return None
    low, high = FIRST_DAY, last_day(today)
    if low <= value <= high:
        return value
    moved = low if value < low else high
    notices.append(
        f"Moved {key}={value.isoformat()} to {moved.isoformat()}: dates run from "
        f"{low.isoformat()} to {high.isoformat()}."
    )
    return moved


def _parse_many(
    params, key: str, known: frozenset[str], what: str, notices: list[str]
) -> tuple[str, ...]:
    kept: list[str] = []
    unknown: list[str] = []
    folded = {k.casefold(): k for k in known}
    values = [v.strip() for v in _values(params, key) if v.strip()]
    for value in values:
        match = value if value in known else folded.get(value.casefold())
        if match is None:
            unknown.append(value)
        elif match not in kept:
            kept.append(match)
    if unknown:
        shown = ", ".join(_shown(v) for v in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        notices.append(f"Ignored unknown {what}: {shown}{more}.")
    if len(kept) > MAX_VALUES:
        notices.append(f"Kept the first {MAX_VALUES} {what} values of {len(kept)}.")
        kept = kept[:MAX_VALUES]
    return tuple(kept)


def clean_query(value: str | None) -> str | None:
    """Text search as typed, minus control characters and surrounding space."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", _CONTROL.sub(" ", value)).strip()
    return value[:MAX_QUERY_CHARS] or None


def parse_params(
    params: Mapping[str, Iterable[str]], known: KnownValues, *, today: date | None = None
) -> tuple[Filters, list[str]]:
    """Turn URL query parameters into valid ``Filters`` plus notices for what was dropped.

    ``params`` maps each key to all of its values (``st.query_params.get_all`` per key).
    Never raises: anything unusable is dropped and explained in a notice.
    """
    notices: list[str] = []
    default_start, default_end = default_window(known, today)

    start = _clamp_day("start", _parse_day("start", _last(params, "start"), notices), today,
                       notices)
    end = _clamp_day("end", _parse_day("end", _last(params, "end"), notices), today, notices)
    if start is not None and end is not None and start > end:
        notices.append(
            f"Ignored start={start.isoformat()} and end={end.isoformat()}: start is after end."
        )
        start = end = None
    explicit_start, explicit_end = start is not None, end is not None
    if end is None:
        end = max(default_end, start) if start is not None else default_end
    if start is None:
        start = end - timedelta(days=DEFAULT_WINDOW_DAYS - 1)

    sources = _parse_many(params, "source", known.sources, "source", notices)
    categories = _parse_many(params, "category", known.categories, "category", notices)
    actors = _parse_many(params, "actor", known.actors, "actor", notices)
    provinces = _parse_many(params, "province", known.provinces, "province", notices)

    lang = _last(params, "lang")
    if lang is not None:
        if not _LANG.match(lang):
            notices.append(f"Ignored lang={_shown(lang)}: not a language code.")
            lang = None
        else:
            lang = lang.lower()
            if known.languages is not None and lang not in known.languages:
                notices.append(f"Ignored lang={_shown(lang)}: no articles in that language.")
                lang = None

    raw_q = _last(params, "q")
    q = clean_query(raw_q)
    if raw_q is not None and len(raw_q.strip()) > MAX_QUERY_CHARS:
        notices.append(f"Shortened the text search to {MAX_QUERY_CHARS} characters.")

    filters = Filters(
        start=start,
        end=end,
        sources=sources,
        categories=categories,
        actors=actors,
        lang=lang,
        q=q,
        provinces=provinces,
        explicit_start=explicit_start,
        explicit_end=explicit_end,
    )
    return filters, notices


def to_params(filters: Filters) -> dict[str, str | list[str]]:
    """The query-string form of ``filters``: the inverse of ``parse_params``.

    Start and end are written only when explicit, so a link without them keeps
    following the newest data.
    """
    out: dict[str, str | list[str]] = {}
    if filters.explicit_start:
        out["start"] = filters.start.isoformat()
    if filters.explicit_end:
        out["end"] = filters.end.isoformat()
    if filters.sources:
        out["source"] = list(filters.sources)
    if filters.categories:
        out["category"] = list(filters.categories)
    if filters.actors:
        out["actor"] = list(filters.actors)
    if filters.provinces:
        out["province"] = list(filters.provinces)
    if filters.lang:
        out["lang"] = filters.lang
    if filters.q:
        out["q"] = filters.q
    return out


def describe(filters: Filters, labels: Mapping[str, str] | None = None,
             province_names: Mapping[str, str] | None = None) -> str:
    """One plain-text line saying what the view shows (for captions and file names)."""
    labels = labels or {}
    province_names = province_names or {}
    parts = [f"{filters.start.isoformat()} to {filters.end.isoformat()}"]
    if filters.sources:
        parts.append("sources: " + ", ".join(filters.sources))
    if filters.categories:
        parts.append("categories: " + ", ".join(labels.get(c, c) for c in filters.categories))
    if filters.actors:
        parts.append("actors: " + ", ".join(filters.actors))
    if filters.provinces:
        parts.append("provinces: " + ", ".join(province_names.get(p, p) for p in filters.provinces))
    if filters.lang:
        parts.append(f"language: {filters.lang}")
    if filters.q:
        parts.append(f"text contains “{filters.q}”")
    return "; ".join(parts)


def category_label(key: str, labels: Mapping[str, str] | None = None) -> str:
    """A category's display name: the lexicon's label, else the key title-cased."""
    if labels and labels.get(key):
        return labels[key]
    return key.replace("_", " ").strip().title() or key
