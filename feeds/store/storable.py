"""What the database can hold: the text rule at the store boundary, and the size limits.

Feed text is untrusted, and a few characters cannot be stored at all: PostgreSQL
refuses NUL in text, and a lone UTF-16 surrogate (which a broken feed or a bad escape
can leave in a Python string) cannot be encoded as UTF-8 for either database. One such
character used to fail a feed's whole transaction on PostgreSQL, every run, while the
same feed worked on SQLite.

So every text value on its way to the database passes through :func:`storable`: NUL is
dropped, a surrogate becomes U+FFFD. It is applied once, where statements leave for the
database (:func:`install`, a cursor hook on each engine) and where COPY rows do
(``writes.bulk_insert``), so no writer can forget it and both databases store the same
text. Parameters of reads pass through it too, so a GUID is looked up as it was stored.

The limits say how long an identifier may be before the database's indexes refuse it
(PostgreSQL's btree entries stop near 2,700 bytes): callers clip titles and GUIDs with
:func:`clip`, which leaves a visible marker, and skip an entry whose link is too long
to be its key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import Engine, event

__all__ = ["MAX_GUID_CHARS", "MAX_LINK_BYTES", "MAX_TITLE_CHARS", "TRUNCATED", "clip",
           "install", "storable"]

MAX_TITLE_CHARS = 1_000
# GUIDs are indexed with their feed; 600 characters stay under the index entry limit
# even in four-byte UTF-8.
MAX_GUID_CHARS = 600
# A canonical URL is the article's unique key, and cutting one would change its meaning;
# an entry whose URL is longer than this is skipped instead.
MAX_LINK_BYTES = 2_000
TRUNCATED = "…"  # ends a title or GUID that was cut to fit

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value: str) -> str:
    """``value`` without the characters no database here can store."""
    if not _UNSTORABLE.search(value):
        return value
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


def clip(value: str, limit: int) -> str:
    """``value`` cut to ``limit`` characters, the last being the marker when cut."""
    return value if len(value) <= limit else value[: limit - 1] + TRUNCATED


def install(engine: Engine) -> None:
    """Pass every string parameter of ``engine``'s statements through :func:`storable`."""
    event.listen(engine, "before_cursor_execute", _clean_parameters, retval=True)


def _clean_parameters(conn, cursor, statement, parameters, context, executemany):
    # "executemany" may still come with one flattened set (SQLAlchemy's batched
    # INSERT ... VALUES), so the shape decides, not the flag.
    if (executemany and isinstance(parameters, (list, tuple)) and parameters
            and isinstance(parameters[0], (Mapping, list, tuple))):
        return statement, [_clean_set(p) for p in parameters]
    return statement, _clean_set(parameters)


def _clean_set(values):
    if isinstance(values, Mapping):
        if any(isinstance(v, str) and _UNSTORABLE.search(v) for v in values.values()):
            return {k: storable(v) if isinstance(v, str) else v for k, v in values.items()}
        return values
    if isinstance(values, (list, tuple)):
        if any(isinstance(v, str) and _UNSTORABLE.search(v) for v in values):
            return type(values)(storable(v) if isinstance(v, str) else v for v in values)
    return values
