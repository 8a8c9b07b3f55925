"""Reads the context rules of ``terms.toml``: word lists, per-term context, pairs, the
past and page furniture. The format is documented in ``feeds.lexicon.terms``."""

from __future__ import annotations

import re

from feeds.lexicon import _fields as f
from feeds.lexicon.model import FileRules, Instead, LexiconError, Pair

FILE = "terms.toml"
RULE_FIELDS = {"requires", "veto", "near", "instead", "in_names"}
MAX_NEAR = 40


def parse_words(raw: dict) -> dict[str, tuple[str, ...]]:
    """The ``[words]`` table: named lists that rules use as ``"@name"``."""
    table = raw.get("words", {})
    where = f.Where(FILE, "[words]")
    if not isinstance(table, dict):
        raise where.error(None, "must be a table of named word lists")
    out = {}
    for name, _ in table.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise where.error(name, "list names are lower case letters, digits and _")
        out[name] = tuple(w.lower() for w in f.strings(where, table, name))
    return out


def expand(where: f.Where, field: str, items: tuple[str, ...],
           words: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Context words with every ``@list`` replaced by its words, lower-cased."""
    out: list[str] = []
    for item in items:
        if item.startswith("@"):
            if item[1:] not in words:
                raise where.error(field, f"{item!r}: no such list in [words]")
            out.extend(w for w in words[item[1:]] if w not in out)
        elif item.lower() not in out:
            out.append(item.lower())
    return tuple(out)


def term_rules(where: f.Where, entry: dict, words: dict, categories: set[str]) -> dict:
    """The per-term rule fields as keyword arguments for ``Term``."""
    near = entry.get("near")
    if near is not None and (isinstance(near, bool) or not isinstance(near, int)
                             or not 1 <= near <= MAX_NEAR):
        raise where.error("near", f"must be a whole number of words, 1 to {MAX_NEAR}")
    instead = []
    raw_instead = entry.get("instead", [])
    if not isinstance(raw_instead, list):
        raise where.error("instead", "must be a list of {category, near} tables")
    for item in raw_instead:
        f.check_fields(where, item, {"category", "near"}, ("category", "near"))
        cat = f.string(where, item, "category")
        if cat not in categories:
            raise where.error("instead", f"{cat!r} is not a category of this file")
        instead.append(Instead(cat, expand(where, "instead", f.strings(where, item, "near"),
                                           words)))
    requires = expand(where, "requires", f.strings(where, entry, "requires"), words)
    if instead and not requires:
        raise where.error("instead", "needs 'requires': it applies when those words are missing")
    return dict(
        requires=requires,
        veto=expand(where, "veto", f.strings(where, entry, "veto"), words),
        near=near,
        instead=tuple(instead),
        in_names=f.boolean(where, entry, "in_names", False),
    )


def file_rules(raw: dict, words: dict, categories: set[str]) -> FileRules:
    """The ``[[pairs]]``, ``[past]`` and ``[furniture]`` tables."""
    pairs = []
    for n, item in enumerate(raw.get("pairs", []), start=1):
        where = f.Where(FILE, f"pair #{n}")
        f.check_fields(where, item, {"category", "when", "near", "weight", "label", "veto"},
                       ("category", "when", "near", "weight"))
        cat = f.string(where, item, "category")
        when = f.strings(where, item, "when")
        for c in (cat, *when):
            if c not in categories:
                raise where.error("category", f"{c!r} is not a category of this file")
        weight = item["weight"]
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise where.error("weight", f"must be a positive number, got {weight!r}")
        pairs.append(Pair(cat, when, expand(where, "near", f.strings(where, item, "near"), words),
                          float(weight), f.string(where, item, "label", f"pair: {cat}"),
                          expand(where, "veto", f.strings(where, item, "veto"), words)))
    past = raw.get("past", {})
    where = f.Where(FILE, "[past]")
    f.check_fields(where, past, {"markers", "years", "factor"}, ())
    years = past.get("years", 5)
    factor = past.get("factor", 1.0)
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise where.error("years", f"must be a whole number of years, got {years!r}")
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not 0 < factor <= 1:
        raise where.error("factor", f"must be > 0 and <= 1, got {factor!r}")
    furniture = raw.get("furniture", {})
    where = f.Where(FILE, "[furniture]")
    f.check_fields(where, furniture, {"lines"}, ())
    lines = f.strings(where, furniture, "lines")
    for pattern in lines:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise where.error("lines", f"{pattern!r} is not a regular expression: {exc}") from None
    reported = raw.get("reported", {})
    where = f.Where(FILE, "[reported]")
    f.check_fields(where, reported, {"points", "lead"}, ())
    points = reported.get("points", 0.0)
    lead = reported.get("lead", 0)
    if isinstance(points, bool) or not isinstance(points, int | float) or points < 0:
        raise where.error("points", f"must be a number >= 0, got {points!r}")
    if isinstance(lead, bool) or not isinstance(lead, int) or lead < 0:
        raise where.error("lead", f"must be a whole number of sentences, got {lead!r}")
    return FileRules(
        report_points=float(points),
        report_lead=lead,
        pairs=tuple(pairs),
        past_markers=expand(where, "markers", f.strings(where, past, "markers"), words),
        past_years=years,
        past_factor=float(factor),
        furniture=lines,
    )


def check_top_level(raw: dict) -> None:
    extra = sorted(set(raw) - {"categories", "words", "pairs", "past", "furniture", "reported"})
    if extra:
        raise LexiconError(
            f"{FILE}: unknown top-level key {extra[0]!r} (expected [categories.<id>], "
            "[words], [[pairs]], [past], [furniture] or [reported])"
        )
