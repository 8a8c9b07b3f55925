"""What scoring returns: plain data, so store, export and tests share one shape."""

from __future__ import annotations

from dataclasses import dataclass, field

from feeds.lexicon import iso_order


@dataclass(frozen=True)
class TermMatch:
    category: str
    term: str  # canonical term from the lexicon
    matched: str  # the text as it appeared
    weight: float
    sentence_index: int
    start: int  # offsets within that sentence
    end: int
    rule: str = ""  # the context rule that decided ("" = the plain lexicon term)


@dataclass(frozen=True)
class ActorMention:
    actor: str  # canonical name
    alias: str  # the text as it appeared
    sentence_index: int
    start: int
    end: int
    sentiment: float | None  # the sentence's VADER compound; None when not scored


@dataclass(frozen=True)
class PlaceMention:
    place: str  # canonical name from places.toml
    kind: str  # its kind (province, town, border_crossing ...)
    province: str | None  # ISO 3166-2:KH code of its province; None: no province
    matched: str  # the text as it appeared
    sentence_index: int
    start: int
    end: int
    role: str  # dateline, place, list, address, support (see feeds.score.places)
    counts: bool  # puts the article in ``province``


@dataclass(frozen=True)
class UnlistedName:
    name: str
    mentions: int
    example: str  # a sentence using it


@dataclass
class ArticleScore:
    relevant: bool
    relevance_terms: list[str]  # what decided it (place names, actors, "khmer-script", ...)
    language: str | None  # language the text was scored as
    sentiment: float | None  # weighted mean sentence compound; None = not scored
    sentiment_pos: float | None  # share of sentences with compound >= 0.05
    sentiment_neg: float | None  # share with compound <= -0.05
    sentiment_neu: float | None
    sentence_count: int
    risk_score: float | None  # 0..100; None = not scored (a language without term lists)
    # the categories the article reports (terms.toml's [reported]) and their points;
    # term_matches may hold matches of other categories, shown as evidence only
    category_points: dict[str, float] = field(default_factory=dict)
    term_matches: list[TermMatch] = field(default_factory=list)
    actor_mentions: list[ActorMention] = field(default_factory=list)
    unlisted_names: list[UnlistedName] = field(default_factory=list)
    # matches a context rule stopped (weight 0, ``rule`` says why): evidence, not risk
    vetoed: list[TermMatch] = field(default_factory=list)
    furniture: list[int] = field(default_factory=list)  # sentences dropped as page furniture
    place_mentions: list[PlaceMention] = field(default_factory=list)

    @property
    def provinces(self) -> list[str]:
        """ISO codes of the provinces the article reports from or about."""
        codes = {m.province for m in self.place_mentions if m.counts and m.province}
        return sorted(codes, key=iso_order)
