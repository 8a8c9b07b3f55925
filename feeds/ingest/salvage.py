"""One bad entry never sinks its feed: store what can be stored, skip and count the rest.

A feed is stored in one write turn, all or nothing, which is what a healthy feed wants.
But when the database refuses one entry's data (an index entry too large, a value out
of range, a constraint), that one transaction fails, and with it every good entry of the
feed, on every run. So after such a refusal the entries are stored again in halves, each
half in its own turn, halving again only where the refusal recurs: a feed with one bad
entry among n costs about 2·log2(n) more turns, and the bad entry alone is left out,
with the database's reason. A refusal that is not about the data (the database's own
fault, a lost lock) is not retried: it goes up to the run.

The parts commit one after another, and each part's plan sees what the parts before it
stored, so exactly-once holds as it does in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import Connection, Engine

from feeds import store
from feeds.store.faults import short_reason

T = TypeVar("T")


def store_in_parts(engine: Engine, holder: int | None,
                   store_part: Callable[[Connection, list[T]], int], items: Sequence[T],
                   label: Callable[[T], str]) -> tuple[int, list[str]]:
    """Store ``items`` with ``store_part`` (which returns how many were new), halving
    around the ones the database refuses; return (new, reasons for the skipped ones)."""
    items = list(items)
    if not items:
        return 0, []
    try:
        with store.write_turn(engine, holder) as conn:
            return store_part(conn, items), []
    except Exception as exc:
        if not store.is_entry_fault(exc):
            raise
        if len(items) == 1:
            return 0, [f"{label(items[0])}: the database refused it ({short_reason(exc)})"]
    middle = len(items) // 2
    new_first, skipped_first = store_in_parts(engine, holder, store_part, items[:middle],
                                              label)
    new_second, skipped_second = store_in_parts(engine, holder, store_part, items[middle:],
                                                label)
    return new_first + new_second, skipped_first + skipped_second


def count_note(reasons: list[str], one: str, many: str) -> str | None:
    """"1 entry skipped: why", or "3 entries skipped, first: why"; None for none."""
    if not reasons:
        return None
    if len(reasons) == 1:
        return f"1 {one}: {reasons[0]}"
    return f"{len(reasons)} {many}, first: {reasons[0]}"


def join_notes(*notes: str | None) -> str | None:
    """Several notes for one feed as one line."""
    kept = [note for note in notes if note]
    return "; ".join(kept) if kept else None
