"""One article scored: the single pass from title and text to an :class:`ArticleScore`.

No network, no database. ``score_article`` splits the article into sentences (title
first), decides the language, runs VADER once per sentence (English only), scans each
sentence once for every lexicon phrase (terms, actors, places and their exclusions share
one index), and builds the relevance verdict, risk-term matches, actor mentions,
unlisted names and the risk score from that single pass. See ``docs/scoring.md``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import fields
from datetime import date
from itertools import accumulate, count
from operator import add

from feeds.lexicon import Lexicons
from feeds.score import actors as _actors
from feeds.score import places as _places
from feeds.score import relevance as _relevance
from feeds.score import terms as _terms
from feeds.score.language import detect_language, language_sample
from feeds.score.matcher import Compiled, compiled
from feeds.score.names import unlisted_names
from feeds.score.results import ActorMention, ArticleScore, TermMatch
from feeds.score.risk import category_points, risk_score, term_points
from feeds.score.segment import sentences
from feeds.score.sentiment import summarise
from feeds.text import collapse, khmer_letter_count, normalise

TERM, TERM_EXCLUSION = _terms.TERM, _terms.TERM_EXCLUSION
ACTOR, ACTOR_CONTEXT, ACTOR_EXCLUSION = (
    _actors.ACTOR,
    _actors.ACTOR_CONTEXT,
    _actors.ACTOR_EXCLUSION,
)
PLACE, PLACE_EXCLUSION = _relevance.PLACE, _relevance.PLACE_EXCLUSION

def _fast_constructor(cls):
    """A quicker way to build one of the frozen result dataclasses.

    A frozen dataclass's ``__init__`` sets every field through ``object.__setattr__``,
    which costs more than the rest of handling a match. Filling the instance's
    ``__dict__`` gives the same object (equal, hashable, still frozen). Falls back to the
    class itself if it ever gets ``__slots__`` or a ``__post_init__``.
    """
    if hasattr(cls, "__slots__") or hasattr(cls, "__post_init__"):
        return cls
    names = tuple(f.name for f in fields(cls))
    new = object.__new__

    def build(*values):
        obj = new(cls)
        obj.__dict__.update(zip(names, values, strict=True))
        return obj

    return build


_new_actor_mention = _fast_constructor(ActorMention)


def _candidates(text: str, comp: Compiled, sentence_starts: list[int]):
    """Every lexicon phrase in the article, grouped by sentence and kind.

    ``text`` is the article's sentences joined by line breaks, which no phrase crosses.
    Returns ``({sentence: {kind: [(start, end, ref, word, acronym)]}}, tokens)`` with
    offsets in ``text``; ``word`` is the index of the first word, -1 for Khmer matches.
    """
    hits, toks = comp.index.scan(text)
    found: dict[int, dict[str, list[tuple]]] = {}
    if hits:
        low = toks.low
        cum = toks.cum
        n_sentences = len(sentence_starts)
        si = 0
        next_start = sentence_starts[1] if n_sentences > 1 else len(text) + 1
        by_sentence: dict[str, list[tuple]] = {}
        for i, j, payloads in hits:  # in text order
            start = cum[i] + i - len(low[i])
            if start >= next_start:
                si = bisect_right(sentence_starts, start) - 1
                next_start = sentence_starts[si + 1] if si + 1 < n_sentences else len(text) + 1
                by_sentence = {}
            end = cum[j - 1] + j - 1
            if text[end : end + 1] == "." and len(low[j - 1]) == 1:
                end += 1  # an initialism keeps its last full stop: "U.S.", "H.E."
            for kind, ref, exact in payloads:
                if exact is not None:
                    written = tuple(toks.word(m) for m in range(i, j) if low[m])
                    if written != exact:
                        continue  # acronyms match in capitals only
                    if text[end : end + 1] == "$":
                        continue  # US$, S$, A$: a currency, not a country
                if not by_sentence:
                    found[si] = by_sentence
                cands = by_sentence.get(kind)
                if cands is None:
                    by_sentence[kind] = [(start, end, ref, i, exact is not None)]
                else:
                    cands.append((start, end, ref, i, exact is not None))
    if not text.isascii():
        ends = sentence_starts[1:] + [len(text) + 1]
        for si, (base, stop) in enumerate(zip(sentence_starts, ends, strict=True)):
            sentence = text[base : stop - 1]
            for start, end, payloads in comp.khmer.scan(sentence):
                by_kind = found.setdefault(si, {})
                for kind, ref, _ in payloads:
                    by_kind.setdefault(kind, []).append((base + start, base + end, ref, -1, False))
        for start, end, payloads in comp.scripts.scan(text):  # names in other scripts
            by_kind = found.setdefault(bisect_right(sentence_starts, start) - 1, {})
            for kind, ref, _ in payloads:
                by_kind.setdefault(kind, []).append((start, end, ref, -1, False))
    return found, toks


def score_article(
    title: str,
    text: str,
    lexicons: Lexicons,
    *,
    language: str | None = None,
    always_relevant: bool = False,
    published: date | None = None,
) -> ArticleScore:
    """Score one article; ``language`` is the feed's declared language, if any, and
    ``published`` its date (for what counts as the past; default today)."""
    comp = compiled(lexicons)
    title = title or ""
    text = text or ""
    sents = sentences(title, text)
    has_title = bool(title.strip()) and bool(collapse(normalise(title)))
    furniture = comp.furniture.sentences(sents, 1 if has_title else 0)
    if furniture:  # kept as empty sentences, so stored offsets keep their meaning
        sents_read = [("" if i in furniture else s) for i, s in enumerate(sents)]
    else:
        sents_read = sents
    lang = detect_language(language_sample(title, text), language)
    if lang == "en":
        polarity = comp.analyzer.polarity_scores
        compounds: list[float] | None = [polarity(s)["compound"] for s in sents_read]
    else:
        compounds = None
    # English term lists on English, Khmer ones on Khmer, none on anything else
    term_words = {"en": True, "km": False}.get(lang or "")
    today = published or date.today()
    rules = lexicons.rules

    # One pass over the whole article: sentences joined by line breaks, which end every
    # phrase, so nothing matches across two sentences.
    joined = "\n".join(sents_read)
    # where each sentence starts in ``joined``: the lengths before it plus one "\n" each
    starts = list(map(add, accumulate(map(len, sents_read[:-1]), initial=0), count()))
    found, toks = _candidates(joined, comp, starts)

    term_matches: list[TermMatch] = []
    vetoed: list[TermMatch] = []
    mentions: list[ActorMention] = []
    known: list[tuple[int, int]] = []  # spans of everything matched, for unlisted names
    evidence = _relevance.Evidence(joined, starts, 1 if has_title else 0)
    outlets: list[tuple[int, int]] = []  # media actors' spans: who published, not the subject
    add_evidence = evidence.add
    resolver = _actors.ActorResolver(comp.actors, comp.honorifics)
    extend = resolver.honorifics.extend
    honorific_ends = resolver.honorifics.last_words
    last_full = resolver.last_full
    screen, screen_active = comp.screen.apply, comp.screen.active
    low = toks.low
    terms, actors, places = comp.terms, comp.actors, comp.places
    place_hits: list[tuple[int, int, int, int, bool]] = []  # judged by feeds.score.places
    for si in sorted(found):
        # Most sentences hold at most one term, one actor and one place and no exclusion:
        # those are handled here; anything else goes to the kind's resolver.
        by_kind = found[si]
        base = starts[si]
        compound = compounds[si] if compounds is not None else None
        cands = by_kind.get(TERM) if term_words is not None else None
        if cands:
            if term_words:
                cands = [c for c in cands if c[3] >= 0] if not joined.isascii() else cands
            else:
                cands = [c for c in cands if c[3] < 0]
        if cands:
            counted, stopped = _terms.resolve(
                cands, by_kind.get(TERM_EXCLUSION), terms, joined, base, si, rules, today
            )
            term_matches.extend(counted)
            vetoed.extend(stopped)
            for m in counted:
                known.append((base + m.start, base + m.end))
        cands = by_kind.get(ACTOR)
        if cands and screen_active:
            cands = by_kind[ACTOR] = screen(cands, toks, joined)
        if cands or ACTOR_CONTEXT in by_kind:
            if (
                cands
                and len(cands) == 1
                and ACTOR_CONTEXT not in by_kind
                and ACTOR_EXCLUSION not in by_kind
            ):
                start, end, ref, i, acronym = cands[0]
                if i < 0 or (i > 0 and (not low[i - 1] or low[i - 1] in honorific_ends)):
                    start = extend(start, i, toks, joined, base)  # may have an honorific
                last_full[ref] = start
                actor = actors[ref]
                mentions.append(
                    _new_actor_mention(
                        actor.name, joined[start:end], si, start - base, end - base, compound
                    )
                )
                known.append((start, end))
                if actor.type == "media":
                    outlets.append((start, end))
                elif actor.cambodian:
                    add_evidence(
                        joined[start:end].lower(),
                        actor.name,
                        actor.decisive and not acronym,
                        si,
                        start,
                        end,
                    )
            else:
                for mention, ref, acronym in resolver.sentence(
                    by_kind, joined, base, si, toks, compound
                ):
                    mentions.append(mention)
                    known.append((base + mention.start, base + mention.end))
                    actor = actors[ref]
                    if actor.type == "media":
                        outlets.append((base + mention.start, base + mention.end))
                    elif actor.cambodian:
                        add_evidence(
                            mention.alias.lower(),
                            actor.name,
                            actor.decisive and not acronym,
                            si,
                            base + mention.start,
                            base + mention.end,
                        )
        cands = by_kind.get(PLACE)
        if cands:
            if len(cands) > 1 or PLACE_EXCLUSION in by_kind:
                cands = _relevance.places_in(by_kind)
            for start, end, ref, _i, acronym in cands:
                place = places[ref]
                known.append((start, end))
                if any(a <= start and end <= b for a, b in outlets):
                    continue  # "Phnom Penh" in "Phnom Penh Post": the publisher, not the subject
                add_evidence(
                    joined[start:end].lower(),
                    place.name,
                    place.decisive and not acronym,
                    si,
                    start,
                    end,
                )
                place_hits.append((si, start, end, ref, acronym))

    if always_relevant:
        relevant, relevance_terms = True, [_relevance.ALWAYS]
    else:
        relevant, relevance_terms = evidence.decide(khmer_letter_count(joined) > 0)

    if compounds and furniture:
        compounds = [c for i, c in enumerate(compounds) if i not in furniture]
    summary = summarise(compounds, lexicons.tone, has_title=has_title) if compounds else None
    sentiment = summary[0] if summary else None
    # the categories the article reports (terms.toml's [reported]), then their risk points
    reported = term_points(term_matches)
    if rules.report_points:
        lead = (1 if has_title else 0) + rules.report_lead
        # a historical reference in the lead does not make a current story of it
        in_lead = {
            m.category for m in term_matches if m.sentence_index < lead and "past:" not in m.rule
        }
        reported = {
            c: p for c, p in reported.items() if p >= rules.report_points or c in in_lead
        }
    points = category_points(
        (m for m in term_matches if m.category in reported),
        {c.id: c.severity for c in lexicons.categories.values()},
        1 if has_title else 0,
    )
    return ArticleScore(
        relevant=relevant,
        relevance_terms=relevance_terms,
        language=lang,
        sentiment=sentiment,
        sentiment_pos=summary[1] if summary else None,
        sentiment_neg=summary[2] if summary else None,
        sentiment_neu=summary[3] if summary else None,
        sentence_count=len(sents),
        risk_score=risk_score(points, sentiment) if term_words is not None else None,
        category_points=points,
        term_matches=term_matches,
        actor_mentions=mentions,
        unlisted_names=unlisted_names(
            joined,
            starts,
            known,
            comp.known_names,
            comp.name_strip,
            toks.written_somewhere,
            has_title=has_title,
            place_words=comp.screen.place_words,
        ),
        place_mentions=_places.place_mentions(
            place_hits, joined, starts, 1 if has_title else 0, lexicons
        ),
        vetoed=vetoed,
        furniture=sorted(furniture),
    )
