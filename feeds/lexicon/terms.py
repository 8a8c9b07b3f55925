"""Reads ``terms.toml``: risk terms by category. This docstring is the file's reference.

The matching rules every file shares are in ``feeds.lexicon``.

::

    [categories.arrests_legal]              # id: lower case, digits, underscores
    label = "Arrests & prosecutions"        # shown on the dashboard
    description = "What the category covers"
    severity = 0.75                         # optional, 0 < s <= 1 (default 1): how grave
                                            # the category's events are for the country;
                                            # its risk points are multiplied by it

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

Context rules (English matches only; a Khmer form counts as before). Context words are
whole words or phrases, case-insensitive, within the sentence; a final ``*`` makes a
prefix ("protest*" also finds "protesters"); ``"@name"`` stands for a list of the
``[words]`` table::

    [words]                         # named word lists for the rules below
    protest = ["protest*", "demonstrat*", "rally", "rallies", "strike*"]

    [[categories.unrest_protest.terms]]
    term = "crack-down"
    requires = ["@protest"]         # counts only with one of these words nearby ...
    near = 8                        # ... within 8 words either side (default: sentence)
    veto = ["scam", "@drugs"]       # never counts with one of these nearby
    instead = [                     # when ``requires`` fails: counts for another
      { category = "media_civil_society", near = ["@media"] },   # category, the first
      { category = "political_crisis", near = ["opposition"] },  # whose words are near
    ]
    in_names = false                # default: a lower-case term written with a capital
                                    # inside a capitalised name (Ban Dan, Strike Group,
                                    # Battle Road) is not a match; a term the lexicon
                                    # writes with a capital (Magnitsky) always matches,
                                    # and so does a title written in Title Case

    [[pairs]]                       # category pairs: a match of a ``when`` category in a
    category = "media_civil_society"    # sentence with ``near`` words also scores
    when = ["arrests_legal"]            # ``category``, with this weight
    near = ["journalist", "reporter", "activist"]
    veto = ["@party_politics"]          # optional: words that stop the pair
    weight = 2.5
    label = "journalist or activist arrested"

    [past]                          # historical references weigh less:
    markers = ["Khmer Rouge", "Pol Pot"]    # a sentence naming a past era,
    years = 5                       # or a year more than 5 years before the article's,
    factor = 0.2                    # has its matches' weights multiplied by this

    [furniture]                     # lines dropped before scoring (regular expressions
    lines = ["^(read more|related)\\b"]  # matched case-insensitively against a line
                                    # of the text); also link-only and byline lines

A category is *reported* by an article, and counts for its risk and on the dashboard,
when its terms earn enough points or one of them stands in the title or the lead; a
lone passing mention deep in a long article stays in the evidence with its weight, but
adds nothing::

    [reported]
    points = 4.5                    # points that make it reported anywhere: its match
                                    # weights w1/1 + w2/2 + ... (before severity)
    lead = 1                        # or a match in the title or the first body sentence
                                    # (not one discounted as the past)

Every rule that fires is named in the match's ``rule`` (``"requires: protest"``,
``"instead: media_civil_society near journalists"``, ``"past: Khmer Rouge"``), and a match
that a rule stopped is kept as a vetoed match with weight 0, so the evidence view shows
why a term counted or did not.

Regular inflections are generated on the last word (``-s/-es/-ies``, ``-ed/-d/-ied``,
``-ing``, final consonant doubled in one-syllable words: ban, banned, banning). A term's
forms may not collide with another term's.
"""

from __future__ import annotations

import re

from feeds.lexicon import _fields as f
from feeds.lexicon.model import (
    MAX_CATEGORY_CHARS,
    MAX_NAME_CHARS,
    Category,
    FileRules,
    LexiconError,
    Term,
)
from feeds.lexicon.term_rules import RULE_FIELDS, check_top_level, file_rules, parse_words
from feeds.lexicon.term_rules import term_rules as _term_rules

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


def _severity(where: f.Where, table: dict) -> float:
    """A category's ``severity``: a number in (0, 1], 1 when not given (full weight)."""
    value = table.get("severity", 1.0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise where.error("severity", f"must be a number, got {value!r}")
    if not 0 < value <= 1:
        raise where.error("severity", f"must be > 0 and <= 1, got {value!r}")
    return float(value)

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
} | RULE_FIELDS


def parse_terms(raw: dict) -> tuple[dict[str, Category], FileRules]:
    """The categories and their terms, and the file-wide rules."""
    file = "terms.toml"
    check_top_level(raw)
    cats = raw.get("categories")
    if not isinstance(cats, dict) or not cats:
        raise LexiconError(f"{file}: no [categories.<id>] tables")
    words = parse_words(raw)
    category_ids = set(cats)
    out: dict[str, Category] = {}
    seen_keys: dict[str, str] = {}  # key -> "category/term"
    seen_km: dict[str, str] = {}
    for cid, table in cats.items():
        where = f.Where(file, f"category {cid!r}")
        if not _ID.match(cid):
            raise where.error(None, "id must be lower case letters, digits and underscores")
        if len(cid) > MAX_CATEGORY_CHARS:
            raise where.error(None, f"id is {len(cid)} characters long "
                                    f"(at most {MAX_CATEGORY_CHARS})")
        f.check_fields(
            where, table, {"label", "description", "terms", "severity"},
            ("label", "description", "terms"),
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
            term = f.string(tw, entry, "term", max_length=MAX_NAME_CHARS)
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
            rules = _term_rules(tw, entry, words, category_ids)
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
                    **rules,
                )
            )
        out[cid] = Category(id=cid, label=label, description=description, terms=tuple(terms),
                            severity=_severity(where, table))
    return out, file_rules(raw, words, category_ids)
