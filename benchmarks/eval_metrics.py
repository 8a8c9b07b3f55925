"""The few measures the evaluation needs, by hand: they are short and exact, and not
worth a dependency (scikit-learn) for a benchmark script."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# The scorer's own thresholds for a positive or negative sentence (feeds.score.sentiment),
# applied to the article's mean compound.
POSITIVE, NEGATIVE = 0.05, -0.05


def prf(counts: Mapping[str, int]) -> tuple[float | None, float | None, float | None]:
    """Precision, recall and F1 from tp/fp/fn counts; None where undefined."""
    tp, fp, fn = counts.get("tp", 0), counts.get("fp", 0), counts.get("fn", 0)
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    return p, r, f


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """Probability that a positive scores above a negative, ties counting half
    (the Mann-Whitney form of the ROC AUC); None if either side is empty."""
    if not positives or not negatives:
        return None
    wins = 0.0
    for p in positives:
        for n in negatives:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(positives) * len(negatives))


def tone_of(sentiment: float) -> str:
    """The hand-label tone a mean compound stands for."""
    if sentiment >= POSITIVE:
        return "positive"
    if sentiment <= NEGATIVE:
        return "negative"
    return "neutral"
