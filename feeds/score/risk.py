"""The article risk score, 0 to 100.

1. Category points, with diminishing returns: the weights of a category's matches,
   sorted from largest to smallest, count in full, half, a third, ...::

       points(c) = w1/1 + w2/2 + w3/3 + ...

   Ten mentions of an arrest are worth more than one, but far less than ten times one.
2. Raw risk is the sum of the category points.
3. Negative tone amplifies it by up to half:
   ``adjusted = raw * (1 + 0.5 * max(0, -sentiment))``, where ``sentiment`` is the mean
   sentence compound in [-1, 1]. Positive or neutral tone changes nothing, and so does
   an unscored (non-English) article.
4. The result is squashed to 0..100 with a saturating curve:
   ``risk = 100 * (1 - exp(-adjusted / 10))``. A raw 10 is 63, 20 is 86, 30 is 95.

Category points and sentiment are rounded to 4 decimals and the risk to 2, and the risk
is computed from the rounded values, so the figures on the dashboard reproduce it
exactly. ``docs/scoring.md`` works an example through; a test checks it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from feeds.score.results import TermMatch

SCALE = 10.0  # adjusted points at which the risk reaches 63
NEGATIVE_BOOST = 0.5  # extra weight at the most negative tone


def category_points(matches: Iterable[TermMatch]) -> dict[str, float]:
    weights: dict[str, list[float]] = {}
    for m in matches:
        weights.setdefault(m.category, []).append(m.weight)
    out = {}
    for category, ws in weights.items():
        ws.sort(reverse=True)
        out[category] = round(sum(w / rank for rank, w in enumerate(ws, start=1)), 4)
    return out


def risk_score(points: Mapping[str, float], sentiment: float | None) -> float:
    raw = sum(points.values())
    negative = max(0.0, -sentiment) if sentiment is not None else 0.0
    adjusted = raw * (1.0 + NEGATIVE_BOOST * negative)
    return round(100.0 * (1.0 - math.exp(-adjusted / SCALE)), 2)
