"""Reads ``terms.toml``: risk terms by category. This docstring is the file's reference.

The matching rules every file shares are in ``feeds.lexicon``.

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
"""

from __future__ import annotations

import re

from feeds.lexicon import _fields as f
from feeds.lexicon.model import Category, LexiconError, Term

INFLECT_MODES = ("all", "plural", "none")
MAX_WEIGHT = 10.0

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


def parse_terms(raw: dict) -> dict[str, Category]:
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
        where = f.Where(file, f"category {cid!r}")
        if not _ID.match(cid):
            raise where.error(None, "id must be lower case letters, digits and underscores")
        f.check_fields(
            where, table, {"label", "description", "terms"}, ("label", "description", "terms")
        )
        label = f.string(where, table, "label")
        description = f.string(where, table, "description")
        entries = table["terms"]
        if not isinstance(entries, list) or not entries:
            raise where.error("terms", "needs at least one [[categories.<id>.terms]] entry")
        terms = []
        for n, entry in enumerate(entries, start=1):
            name = entry.get("term") if isinstance(entry, dict) else None
            label_t = f"term {name!r}" if isinstance(name, str) else f"term #{n}"
            tw = f.Where(file, f"category {cid!r}, {label_t}")
            f.check_fields(tw, entry, _TERM_FIELDS, ("term", "weight"))
            term = f.string(tw, entry, "term")
            weight = entry["weight"]
            if isinstance(weight, bool) or not isinstance(weight, int | float):
                raise tw.error("weight", f"must be a number, got {weight!r}")
            if not 0 < weight <= MAX_WEIGHT:
                raise tw.error("weight", f"must be > 0 and <= {MAX_WEIGHT:g}, got {weight!r}")
            inflect = f.string(tw, entry, "inflect", "all")
            if inflect not in INFLECT_MODES:
                raise tw.error(
                    "inflect", f"must be one of {', '.join(INFLECT_MODES)}, got {inflect!r}"
                )
            variants = f.strings(tw, entry, "variants")
            forms = f.strings(tw, entry, "forms")
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
                for k in f.english_keys(tw, fieldname, s):
                    if k in keys:
                        continue
                    other = seen_keys.get(k)
                    if other:
                        raise tw.error(fieldname, f"form {k!r} is already a form of {other}")
                    seen_keys[k] = f"term {term!r} in category {cid!r}"
                    keys.append(k)
            exclusions: list[str] = []
            exclude = f.strings(tw, entry, "exclude")
            for phrase in exclude:
                for k in f.expand_exclusion(tw, "exclude", phrase, keys):
                    if k not in exclusions:
                        exclusions.append(k)
            km = f.strings(tw, entry, "km")
            km_keys = []
            for phrase in km:
                k = f.khmer_form(tw, "km", phrase)
                other = seen_km.get(k)
                if other:
                    raise tw.error("km", f"{phrase!r} is already a form of {other}")
                seen_km[k] = f"term {term!r} in category {cid!r}"
                km_keys.append(k)
            km_exclude = f.strings(tw, entry, "km_exclude")
            for phrase in km_exclude:
                k = f.khmer_form(tw, "km_exclude", phrase)
                if not any(f in k for f in km_keys):
                    raise tw.error(
                        "km_exclude", f"{phrase!r} does not contain any of the term's Khmer forms"
                    )
            note = f.string(tw, entry, "note", "")
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
