"""The benchmark's only contact with the project's pipeline.

The scorer and the ingest are being reorganised; everything the evaluation needs from
them goes through the functions below, so a change of interface is fixed here and
nowhere else. ``make_scorer`` calls ``score_article`` the way the refresh job does
(``feeds.workers.score_many``): title, plain text, the loaded lexicons, the feed's
declared language (none here: the corpora are not feeds, and the language is part of
what is being judged) and ``always_relevant`` off. The corpus articles are already
plain text and are scored as they are; entries of the saved feeds go through the same
markup-to-text step as a feed entry in the refresh job (``plain_text``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LexiconFacts:
    """What the error report needs to know about the lexicons."""

    categories: frozenset[str]  # category ids in terms.toml
    actors: frozenset[str]  # every actor's canonical name
    cambodian: frozenset[str]  # the Cambodian ones (the only ones labelled)


def make_scorer(lexicon_dir: Path) -> tuple[Callable[..., tuple], LexiconFacts]:
    """``score(title, text, published=None) -> (ArticleScore, sentences)`` with the
    lexicons in ``lexicon_dir``, and the facts about those lexicons. ``published`` is the
    article's date as the corpus gives it (what counts as the past depends on it).
    ``sentences`` are the scorer's own, so a match's ``sentence_index`` points into them."""
    from feeds.lexicon import load_lexicons
    from feeds.score import score_article, sentences

    lexicons = load_lexicons(lexicon_dir)

    def score(title: str, text: str, published=None):
        result = score_article(
            title, text, lexicons, language=None, always_relevant=False, published=published
        )
        return result, sentences(title, text)

    facts = LexiconFacts(
        categories=frozenset(lexicons.categories),
        actors=frozenset(a.name for a in lexicons.actors),
        cambodian=frozenset(a.name for a in lexicons.actors if a.cambodian),
    )
    return score, facts


def plain_text(markup: str) -> str:
    """Feed markup reduced to text by the same function the refresh job uses."""
    try:
        from feeds.ingest.clean import html_to_text
    except ImportError:  # before the restructure
        from feeds.clean import html_to_text
    return html_to_text(markup)
