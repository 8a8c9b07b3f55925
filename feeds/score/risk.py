"""The article risk score, 0 to 100.

1. Category points. Within a category, each distinct term counts once, at its heaviest
   match; a match in the title or the lead (the first three body sentences, as for
   relevance) counts in full, one further down at half its weight: news puts the event
   in the headline and lead, and a deep mention is more often background. The term
   weights, sorted from largest to smallest, count with diminishing returns, and the sum
   is multiplied by the category's ``severity`` from terms.toml::

       points(c) = severity(c) * (w1/1 + w2/2 + w3/3 + ...)

   Severity says how grave the category's events are for the country: an armed clash
   or a dissolved party (1.0) weighs more than an ordinary arrest or a protest (0.75),
   and these more than a tariff talk, a land case or a scam raid (0.5).
2. Raw risk: the category points, sorted from largest to smallest, again with
   diminishing returns, ``raw = p1/1 + p2/2 + ...``. The gravest category sets the level;
   a second one adds, but an arrest in a scam raid is one event, not two.
3. Negative tone amplifies it by up to half:
   ``adjusted = raw * (1 + 0.5 * max(0, -sentiment))``, where ``sentiment`` is the mean
   sentence compound in [-1, 1]. Positive or neutral tone changes nothing, and so does
   an unscored (non-English) article.
4. The result is squashed to 0..100 with a saturating curve:
   ``risk = 100 * (1 - exp(-adjusted / 5))``. An adjusted 5 is 63, 10 is 86, 15 is 95.

Whether a category is *reported* at all (terms.toml's ``[reported]``) is decided on
``term_points``: its match weights with diminishing returns, every match, before
position and severity, so the categories an article reports do not depend on this
formula.

Category points and sentiment are rounded to 4 decimals and the risk to 2, and the risk
is computed from the rounded values, so the figures on the dashboard reproduce it
exactly. ``docs/scoring.md`` works an example through; a test checks it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from feeds.score.results import TermMatch

SCALE = 5.0  # adjusted points at which the risk reaches 63
NEGATIVE_BOOST = 0.5  # extra weight at the most negative tone
LEAD = 3  # body sentences after the title whose matches count in full
BODY_FACTOR = 0.5  # weight of a match further down


def _diminishing(values: Iterable[float]) -> float:
    """v1/1 + v2/2 + v3/3 + ... over the values sorted from largest to smallest."""
    return sum(v / rank for rank, v in enumerate(sorted(values, reverse=True), start=1))


def term_points(matches: Iterable[TermMatch]) -> dict[str, float]:
    """Per category, every match's weight with diminishing returns: ten mentions of an
    arrest are worth more than one, but far less than ten times one. What terms.toml's
    ``[reported]`` threshold is compared with."""
    weights: dict[str, list[float]] = {}
    for m in matches:
        weights.setdefault(m.category, []).append(m.weight)
    return {c: round(_diminishing(ws), 4) for c, ws in weights.items()}


def category_points(
    matches: Iterable[TermMatch], severity: Mapping[str, float], first_body: int
) -> dict[str, float]:
    """Each category's risk points (step 1 above); ``first_body`` is the index of the
    first body sentence (1 with a title, else 0). A category missing from ``severity``
    has severity 1."""
    lead_end = first_body + LEAD
    best: dict[str, dict[str, float]] = {}
    for m in matches:
        w = m.weight if m.sentence_index < lead_end else m.weight * BODY_FACTOR
        terms = best.setdefault(m.category, {})
        if w > terms.get(m.term, 0.0):
            terms[m.term] = w
    return {c: round(severity.get(c, 1.0) * _diminishing(ws.values()), 4) for c, ws in best.items()}


def risk_score(points: Mapping[str, float], sentiment: float | None) -> float:
    raw = _diminishing(points.values())
    negative = max(0.0, -sentiment) if sentiment is not None else 0.0
    adjusted = raw * (1.0 + NEGATIVE_BOOST * negative)
    return round(100.0 * (1.0 - math.exp(-adjusted / SCALE)), 2)
