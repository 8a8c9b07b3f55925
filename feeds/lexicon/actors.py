"""Reads ``actors.toml``: people and organisations. This docstring is the file's reference.

The matching rules every file shares are in ``feeds.lexicon``.

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
                                        # (may be shared: the most recent actor wins)
    km = ["ហ៊ុន សែន"]
    exclude = ["Hun Sen Boulevard"]
    decisive = true                     # may decide relevance alone (default true);
                                        # false for generic bodies ("Senate")
    roles = [{ title = "Prime Minister", from = 1985-01-14, to = 2023-08-22 }]
    note = ""                           # facts shown on the dashboard

``from``/``to`` are dates or years; either may be missing (open-ended). For a person, a
one-word alias of under five letters ("Hun", "Kem") is refused: put it in
``context_aliases``. An actor is Cambodian when its affiliation is "Cambodia" or leads,
through other actors' ids, to one that is; Cambodian actors count for relevance.
"""

from __future__ import annotations

import re

from feeds.lexicon import _fields as f
from feeds.lexicon.model import Actor, LexiconError, Role
from feeds.text import is_acronym

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


def parse_actors(
    raw: dict,
) -> tuple[tuple[Actor, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    file = "actors.toml"
    top = f.Where(file, "top level")
    extra = sorted(set(raw) - {"honorifics", "km_honorifics", "titles", "actor"})
    if extra:
        raise top.error(
            extra[0],
            "unknown key (expected honorifics, km_honorifics, titles and [[actor]] tables)",
        )
    honorifics = f.strings(top, raw, "honorifics")
    for h in honorifics:
        f.english_keys(top, "honorifics", h)
    km_honorifics = f.strings(top, raw, "km_honorifics")
    for h in km_honorifics:
        f.khmer_form(top, "km_honorifics", h)
    titles = f.strings(top, raw, "titles")
    for t in titles:
        f.english_keys(top, "titles", t)
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
        name = f.string(where, table, "name")
        if name in names:
            raise where.error("name", f"{name!r} is already the name of actor {names[name]!r}")
        names[name] = ident
        kind = f.string(where, table, "type")
        if kind not in ACTOR_TYPES:
            raise where.error("type", f"must be one of {', '.join(ACTOR_TYPES)}, got {kind!r}")
        affiliation = f.string(where, table, "affiliation")
        aliases = f.strings(where, table, "aliases")
        keys: list[str] = []
        for fieldname, alias in [("name", name)] + [("aliases", a) for a in aliases]:
            for k in f.english_keys(where, fieldname, alias):
                if kind == "person" and " " not in k and len(k) < 5 and not is_acronym(alias):
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
        ctx = f.strings(where, table, "context_aliases")
        for alias in ctx:
            for k in f.english_keys(where, "context_aliases", alias):
                context.setdefault(k, []).append(ident)
        km = f.strings(where, table, "km")
        f.claim_khmer(where, km, km_seen, ident, "alias", "an alias of actor")
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
    return final, honorifics, km_honorifics, titles
