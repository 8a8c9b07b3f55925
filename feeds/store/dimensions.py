"""The dimensions articles are counted by, and the score table behind each.

Alerts (surges, watchlists), the brief and the dashboard group articles by category,
actor or province; this is the one place that says which table and column that means.
Provinces are the hook for place data: once the schema has an ``article_places`` table
(article_id, place, province as an ISO 3166-2:KH code such as ``KH-12``), every reader
of provinces works unchanged, each article counted once per province.
"""

from __future__ import annotations

from sqlalchemy import select

from feeds.store import schema

DIMENSIONS = ("category", "actor", "province")


class DimensionUnavailable(LookupError):
    """The database holds no data for this dimension (provinces before place matching)."""


def dimension(name: str):
    """(table, key column) for a dimension, one row per article and key; the table has
    ``article_id``. DimensionUnavailable when the database has no such data."""
    if name == "category":
        table = schema.article_categories
        return table, table.c.category
    if name == "actor":
        table = schema.article_actors
        return table, table.c.actor
    if name == "province":
        places = getattr(schema, "article_places", None)
        if places is None:
            raise DimensionUnavailable("no place data yet: province surges need article_places")
        # One row per article and place; an article counts once per province.
        pairs = (select(places.c.article_id, places.c.province).distinct()
                 .subquery("article_provinces"))
        return pairs, pairs.c.province
    raise ValueError(f"unknown dimension {name!r}")
