"""The dimensions articles are counted by, and the score table behind each.

Alerts (surges, watchlists), the brief and the dashboard group articles by category,
actor or province; this is the one place that says which table and column that means.
Provinces are the hook for place data: once the schema has an ``article_places`` table
(article_id, place), every reader of provinces works unchanged.
"""

from __future__ import annotations

from feeds.store import schema

DIMENSIONS = ("category", "actor", "province")


class DimensionUnavailable(LookupError):
    """The database holds no data for this dimension (provinces before place matching)."""


def dimension(name: str):
    """(table, key column) for a dimension; DimensionUnavailable when it has no table."""
    if name == "category":
        table = schema.article_categories
        return table, table.c.category
    if name == "actor":
        table = schema.article_actors
        return table, table.c.actor
    if name == "province":
        table = getattr(schema, "article_places", None)
        if table is None:
            raise DimensionUnavailable("no place data yet: province surges need article_places")
        return table, table.c.place
    raise ValueError(f"unknown dimension {name!r}")
