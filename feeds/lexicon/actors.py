"""Reads ``actors.toml``: people and organisations. This docstring is the file's reference.

The matching rules every file shares are in ``feeds.lexicon``.

::

    honorifics = ["Samdech", "H.E."]   # before an alias, become part of the mention
    km_honorifics = ["សម្តេច"]
    titles = ["Prime Minister"]         # job titles, ignored when collecting unlisted names
    spellings = [["labour", "labor"]]   # an alias with one word also matches with the other
    km_prefixes = [["គណបក្ស", "បក្ស"]]   # a Khmer name with the long prefix, also the short
    place_words = ["boulevard"]         # after a person's name: a place ("Hun Sen
                                        # Boulevard", "Sihanouk International Airport");
                                        # also never part of an unlisted name
    km_place_words = ["មហាវិថី"]         # before a person's Khmer name: a place
    credit_words = ["according to"]     # before an outlet: a source, not a mention
    km_credit_words = ["បើតាម"]         # (so are "Name/VOD" credits, site names after
                                        # "|" or " - ", and datelines "AKP Phnom Penh --")
    credit_after_words = ["could not reach"]  # after an outlet: the outlet is the
    km_credit_after_words = ["នឹងបង្ហាញ"]      # reporter ("CamboJA could not reach
                                        # him"), not what the story is about

    [[actor]]
    id = "hun-sen"                      # unique; lower case, digits, hyphens
    name = "Hun Sen"                    # canonical name, unique, also an alias (matched
                                        # without commas: "Ministry of Education, Youth
                                        # and Sport")
    type = "person"                     # person party government_body court military
                                        # foreign_government international_org ngo media
                                        # business historical (people and bodies of a
                                        # past era: mentions mark a historical reference)
    affiliation = "cpp"                 # another actor's id, or a country / body name
    aliases = ["Samdech Techo"]         # each unique across all actors
    context_aliases = []                # short forms ("Sokha") that match only after a
                                        # full alias of the same actor in the article
                                        # (may be shared: the most recent actor wins)
    km = ["ហ៊ុន សែន"]
    exclude = ["Hun Sen Boulevard"]
    decisive = true                     # may decide relevance alone (default true);
                                        # false for generic bodies ("Senate")
    western_order = false               # a person's name also matches family name last
                                        # ("Kem Monovithya", "Monovithya Kem")
    demonyms = ["Thai"]                 # a country's adjectives: with them, or with the
    km_demonyms = ["ថៃ"]                # country's names ("Thailand's", "of Thailand",
                                        # Khmer after the body), a Cambodian ministry,
                                        # court or security force is this country's
    roles = [{ title = "Prime Minister", from = 1985-01-14, to = 2023-08-22 }]
    note = ""                           # facts shown on the dashboard

``from``/``to`` are dates or years; either may be missing (open-ended). For a person, a
one-word alias of under five letters ("Hun", "Kem") is refused: put it in
``context_aliases``. The loader adds generated forms (Western order, spellings, Khmer
short prefixes: see ``feeds.lexicon.forms``) to ``Actor.forms`` and ``Actor.km_forms``,
checked for clashes like written aliases. An actor is Cambodian when its affiliation is
"Cambodia" or leads, through other actors' ids, to one that is; Cambodian actors count
for relevance. The screens that use demonyms, place and credit words are described in
``feeds.score.actor_screen``.
"""

from __future__ import annotations

import re
from typing import Any

from feeds.lexicon import _fields as f
from feeds.lexicon.forms import english_forms, khmer_forms
from feeds.lexicon.model import MAX_NAME_CHARS, Actor, LexiconError, Role
from feeds.text import has_khmer, is_acronym

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
    "business",
    "historical",
)

_ACTOR_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_NAME_PUNCTUATION = re.compile(r"\s*[,/]\s*")
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
    "western_order",
    "demonyms",
    "km_demonyms",
}
_ACTOR_TOP = (
    "honorifics",
    "km_honorifics",
    "titles",
    "spellings",
    "km_prefixes",
    "place_words",
    "km_place_words",
    "credit_words",
    "km_credit_words",
    "credit_after_words",
    "km_credit_after_words",
)
_ROLE_FIELDS = {"title", "from", "to", "note"}


def _phrases(where: f.Where, table: dict, name: str) -> tuple[str, ...]:
    """A list of phrases, each checked as English or (``km_*`` fields) Khmer script."""
    phrases = f.strings(where, table, name)
    for phrase in phrases:
        if name.startswith("km_"):
            f.khmer_form(where, name, phrase)
        elif has_khmer(phrase) and f"km_{name}" in _ACTOR_TOP + tuple(_ACTOR_FIELDS):
            raise where.error(name, f"{phrase!r} is Khmer script; put it under 'km_{name}'")
        else:
            f.english_keys(where, name, phrase)
    return phrases


def _pairs(where: f.Where, raw: dict, name: str, khmer: bool) -> list[tuple[str, str]]:
    """A list of two-string lists (``spellings``, ``km_prefixes``)."""
    value = raw.get(name, [])
    ok = isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(w, str) and w for w in p)
        for p in value
    )
    if not ok:
        raise where.error(name, 'must be a list of pairs of strings, like [["a", "b"]]')
    for pair in value:
        for w in pair:
            if khmer:
                f.khmer_form(where, name, w)
            elif w != w.lower() or not w.isalpha():
                raise where.error(name, f"{w!r} must be one lower-case word")
    return [(a, b) for a, b in value]


def parse_actors(raw: dict) -> dict[str, Any]:
    """The actors and the file's top-level lists, as keyword arguments of Lexicons."""
    file = "actors.toml"
    top = f.Where(file, "top level")
    extra = sorted(set(raw) - {*_ACTOR_TOP, "actor"})
    if extra:
        raise top.error(
            extra[0], f"unknown key (expected {', '.join(_ACTOR_TOP)} and [[actor]] tables)"
        )
    honorifics = _phrases(top, raw, "honorifics")
    km_honorifics = _phrases(top, raw, "km_honorifics")
    titles = _phrases(top, raw, "titles")
    place_words = f.strings(top, raw, "place_words")
    for w in place_words:
        if w != w.lower() or not w.isalpha():
            raise top.error("place_words", f"{w!r} must be one lower-case word")
    km_place_words = _phrases(top, raw, "km_place_words")
    credit_words = _phrases(top, raw, "credit_words")
    km_credit_words = _phrases(top, raw, "km_credit_words")
    credit_after_words = _phrases(top, raw, "credit_after_words")
    km_credit_after_words = _phrases(top, raw, "km_credit_after_words")
    spellings = _pairs(top, raw, "spellings", khmer=False)
    km_prefixes = _pairs(top, raw, "km_prefixes", khmer=True)
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
        where = f.Where(file, f"actor {ident!r}" if isinstance(ident, str) else f"actor #{n}")
        f.check_fields(where, table, _ACTOR_FIELDS, ("id", "name", "type", "affiliation"))
        ident = f.string(where, table, "id")
        if not _ACTOR_ID.match(ident):
            raise where.error("id", "must be lower case letters, digits and hyphens")
        if ident in ids:
            raise where.error("id", "repeats an earlier actor's id")
        ids.add(ident)
        name = f.string(where, table, "name", max_length=MAX_NAME_CHARS)
        if name in names:
            raise where.error("name", f"{name!r} is already the name of actor {names[name]!r}")
        names[name] = ident
        kind = f.string(where, table, "type")
        if kind not in ACTOR_TYPES:
            raise where.error("type", f"must be one of {', '.join(ACTOR_TYPES)}, got {kind!r}")
        affiliation = f.string(where, table, "affiliation")
        aliases = f.strings(where, table, "aliases")
        western = f.boolean(where, table, "western_order", False)
        if western and kind not in ("person", "historical"):
            raise where.error("western_order", "only a person's name has a Western order")
        # a comma or slash would split the name in text: it is matched without them
        spoken = _NAME_PUNCTUATION.sub(" ", name).strip()
        made = english_forms(spoken, aliases, western, spellings, kind == "government_body")
        keys: list[str] = []
        forms: list[str] = []
        written = [("name", spoken, "")] + [("aliases", a, "") for a in aliases]
        for fieldname, alias, how in written + [("aliases", form, h) for form, h in made]:
            what = f"{alias!r} ({how})" if how else repr(alias)
            for k in f.english_keys(where, fieldname, alias):
                if kind == "person" and " " not in k and len(k) < 5 and not is_acronym(alias):
                    raise where.error(
                        fieldname,
                        f"{alias!r} is too short to match on its "
                        "own; list it under 'context_aliases'",
                    )
                owner = full.get(k)
                if (owner == ident or k in keys) and how:
                    continue  # a generated form the editor also wrote: fine
                if owner == ident or k in keys:
                    raise where.error(fieldname, f"duplicate alias {what}")
                if owner:
                    raise where.error(
                        fieldname, f"duplicate alias {what}: already an alias of actor {owner!r}"
                    )
                full[k] = ident
                keys.append(k)
                if alias not in forms:
                    forms.append(alias)
        ctx = f.strings(where, table, "context_aliases")
        for alias in ctx:
            for k in f.english_keys(where, "context_aliases", alias):
                context.setdefault(k, []).append(ident)
        km = f.strings(where, table, "km")
        f.claim_khmer(where, km, km_seen, ident, "alias", "an alias of actor")
        km_forms = list(km)
        for form, how in khmer_forms(km, km_prefixes):
            key = f.khmer_form(where, "km", form)
            owner = km_seen.get(key)
            if owner and owner != ident:
                raise where.error("km", f"{form!r} ({how}) is already an alias of actor {owner!r}")
            if not owner:
                km_seen[key] = ident
                km_forms.append(form)
        demonyms = _phrases(where, table, "demonyms")
        km_demonyms = _phrases(where, table, "km_demonyms")
        exclude = f.strings(where, table, "exclude")
        for phrase in exclude:
            f.expand_exclusion(where, "exclude", phrase, keys)
        roles_raw = table.get("roles", [])
        if not isinstance(roles_raw, list):
            raise where.error("roles", "must be a list of tables")
        roles = []
        for r, role in enumerate(roles_raw, start=1):
            rw = f.Where(file, f"actor {ident!r}, role #{r}")
            f.check_fields(rw, role, _ROLE_FIELDS, ("title",))
            start = f.date_value(rw, "from", role.get("from"), end=False)
            end = f.date_value(rw, "to", role.get("to"), end=True)
            if start and end and end < start:
                raise rw.error("to", f"{end} is before 'from' {start}")
            roles.append(
                Role(
                    title=f.string(rw, role, "title"),
                    start=start,
                    end=end,
                    note=f.string(rw, role, "note", ""),
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
                note=f.string(where, table, "note", ""),
                decisive=f.boolean(where, table, "decisive", True),
                western_order=western,
                demonyms=demonyms,
                km_demonyms=km_demonyms,
                forms=tuple(forms),
                km_forms=tuple(km_forms),
            )
        )
    for k, owners in context.items():
        if k in full:
            where = f.Where(file, f"actor {owners[0]!r}")
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
            where = f.Where(file, f"actor {a.id!r}")
            raise where.error("affiliation", f"affiliations form a loop: {' -> '.join(trail)}")
        return cambodian(parent, trail + (a.id,))

    final = tuple(Actor(**{**a.__dict__, "cambodian": cambodian(a, (a.id,))}) for a in actors)
    return {
        "actors": final,
        "honorifics": honorifics,
        "km_honorifics": km_honorifics,
        "titles": titles,
        "place_words": place_words,
        "km_place_words": km_place_words,
        "credit_words": credit_words,
        "km_credit_words": km_credit_words,
        "credit_after_words": credit_after_words,
        "km_credit_after_words": km_credit_after_words,
    }
