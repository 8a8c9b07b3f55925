"""An article's evidence, sentence by sentence, rendered as inert Markdown.

Feed text is untrusted. Nothing here produces HTML and nothing from a feed ever reaches
``unsafe_allow_html`` or ``st.html``. Text is shown through ``st.markdown`` only after
``escape_markdown`` has backslash-escaped every ASCII punctuation character, so markup
(``<script>``, ``<img onerror>``), Markdown (links, emphasis, code, tables), Streamlit's
extensions (``:red[...]`` directives, ``$math$``) and entities (``&lt;``) all show as the
literal characters the feed sent. Highlights are then added around escaped text with
Streamlit's own syntax (``:red-background[...]``, ``**...**``), the only unescaped
Markdown in the output.

Offsets in ``term_matches`` / ``actor_mentions`` / ``place_mentions`` are within
``feeds.score.sentences(title, text)[sentence_index]``. Each is checked against the
text it claims to cover; a stale offset (text re-split differently since scoring) is
re-found by searching the sentence, and otherwise reported as unplaced rather than
highlighting the wrong words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from feeds.text import BIDI_CONTROLS

_PUNCT = frozenset(r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~""")
_WS = re.compile(r"\s+")
# A complete ":name:" that Streamlit would replace in the rendered text, where backslash
# escapes no longer count: an emoji shortcode (":smile:", ":+1:"), ":streamlit:" (the
# logo) or ":material_home:" (an icon). Such a run is shown as inline code, which
# Streamlit leaves alone and which copies as exactly these characters. ":material/x:"
# needs nothing: Streamlit only recognises it by its unescaped "/" in the source, and
# escaping puts a backslash there. A colon that opens nothing ("06:00", "Note: x",
# "postgresql://") stays ordinary text.
_SHORTCODE = re.compile(r":[A-Za-z0-9_+-]+:")
# Dropped from what is shown: zero-width characters (so they cannot hide a shortcode
# from the check above) and the bidirectional controls (so text reads in the order it
# is stored; see feeds.text.BIDI_CONTROLS).
_INVISIBLE = re.compile(f"[\u200b\u2060\ufeff{BIDI_CONTROLS}]")

TERM_STYLE = ("red-background", False)
ACTOR_STYLE = ("blue-background", True)
PLACE_STYLE = ("green-background", False)
BOTH_STYLE = ("violet-background", True)


def escape_markdown(text: str | None) -> str:
    """``text`` as Markdown that renders to exactly these characters, on one line.

    Whitespace runs (newlines included) become single spaces, so no block syntax
    (headings, lists, code blocks, tables) can start; every ASCII punctuation character
    is backslash-escaped, which CommonMark guarantees renders literally.

    Escapes do not stop Streamlit's ``:name:`` shortcodes (emoji, ``:streamlit:``,
    ``:material_...:`` icons), which are replaced after Markdown parsing, so a complete
    ``:name:`` is written as inline code instead: shown in a code face, never as an
    icon, and copied as the same characters. No invisible character is ever added.
    Zero-width characters and bidirectional controls already in ``text`` are dropped
    first.
    """
    if not text:
        return ""
    text = _WS.sub(" ", _INVISIBLE.sub("", str(text))).strip()
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        shortcode = _SHORTCODE.match(text, i) if ch == ":" else None
        if shortcode:
            out.append(f"`{shortcode.group()}`")
            i = shortcode.end()
            continue
        out.append("\\" + ch if ch in _PUNCT else ch)
        i += 1
    return "".join(out)


def literal_code(text: str | None) -> str:
    """``text`` as an inline code span: shown and copied exactly, in a code face.

    For values a reader copies (a database URL, a command). The fence is longer than
    any run of backticks inside. Streamlit rewrites ``:material/`` even inside code, so
    text containing it falls back to :func:`escape_markdown`.
    """
    text = _WS.sub(" ", _INVISIBLE.sub("", str(text or ""))).strip()
    if not text:
        return ""
    if ":material/" in text:
        return escape_markdown(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) link, else None (no ``javascript:``)."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if any(ch in url for ch in "\x00\r\n\t "):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


# --- sentences ---------------------------------------------------------------------------

_FALLBACK_SPLIT = re.compile(r"(?<=[.!?។])\s+|\n+")


def fallback_sentences(title: str, text: str) -> list[str]:
    """Title first, then the text split after sentence punctuation or at line breaks.

    Used only when ``feeds.score.sentences`` cannot be imported; offsets are verified,
    so a difference costs highlights, never wrong ones.
    """
    parts = [p.strip() for p in _FALLBACK_SPLIT.split(text or "")]
    return [(title or "").strip()] + [p for p in parts if p]


def split_sentences(title: str, text: str) -> tuple[list[str], bool]:
    """The scorer's sentences, and whether they came from the scorer itself."""
    try:
        from feeds.score import sentences
    except ImportError:
        return fallback_sentences(title, text), False
    try:
        return list(sentences(title or "", text or "")), True
    except Exception:  # a scorer bug must not take the evidence view down
        return fallback_sentences(title, text), False


# --- highlights ------------------------------------------------------------------------


@dataclass(frozen=True)
class Highlight:
    sentence_index: int
    start: int
    end: int
    kind: str  # "term", "actor" or "place"
    label: str  # category key, canonical actor name, or canonical place name
    text: str  # the text as it appeared (matched / alias)
    detail: str = ""  # canonical term, for terms; "KH-n, role" for places
    weight: float | None = None
    sentiment: float | None = None
    rule: str = ""  # the context rule that decided, for terms ("" = the plain term)


@dataclass
class SentenceEvidence:
    index: int
    text: str
    markdown: str
    highlights: list[Highlight] = field(default_factory=list)
    sentiment: float | None = None
    sentiment_source: str | None = None  # "stored" (scorer) or "recomputed"

    @property
    def is_title(self) -> bool:
        return self.index == 0


def locate(sentence: str, hl: Highlight) -> Highlight | None:
    """``hl`` with offsets that really cover its text in ``sentence``, or None."""
    if 0 <= hl.start < hl.end <= len(sentence):
        if sentence[hl.start : hl.end].casefold() == hl.text.casefold() or not hl.text:
            return hl
    if not hl.text:
        return None
    found = re.search(re.escape(hl.text), sentence, re.IGNORECASE)
    if found is None:
        return None
    return Highlight(
        hl.sentence_index,
        found.start(),
        found.end(),
        hl.kind,
        hl.label,
        hl.text,
        hl.detail,
        hl.weight,
        hl.sentiment,
        hl.rule,
    )


def _wrap(segment: str, style: tuple[str, bool]) -> str:
    """Escaped ``segment`` in a highlight, whitespace kept outside the markers."""
    core = segment.strip()
    if not core:
        return escape_markdown(segment) if segment else ""
    lead = " " if segment[:1].isspace() else ""
    tail = " " if segment[-1:].isspace() else ""
    inner = escape_markdown(core)
    colour, bold = style
    if bold:
        inner = f"**{inner}**"
    return f"{lead}:{colour}[{inner}]{tail}"


def highlight_markdown(sentence: str, highlights: Iterable[Highlight]) -> str:
    """The sentence as escaped Markdown with terms, actors and places highlighted.

    Terms get a red background, actors a blue one in bold, places a green one, text that
    is more than one of these a violet one in bold. Overlapping highlights are split at
    every boundary so markers never nest.
    """
    spans = [h for h in highlights if 0 <= h.start < h.end <= len(sentence)]
    # Whitespace collapses on escaping, so work on the original and escape per segment.
    bounds = sorted({0, len(sentence), *(h.start for h in spans), *(h.end for h in spans)})
    out: list[str] = []
    for left, right in zip(bounds, bounds[1:], strict=False):
        segment = sentence[left:right]
        kinds = {h.kind for h in spans if h.start <= left and h.end >= right}
        if not kinds:
            piece = escape_markdown(segment)
            if segment[:1].isspace() and piece:
                piece = " " + piece
            if segment[-1:].isspace() and piece:
                piece = piece + " "
            if segment and not piece:
                piece = " "
            out.append(piece)
        elif kinds == {"term"}:
            out.append(_wrap(segment, TERM_STYLE))
        elif kinds == {"actor"}:
            out.append(_wrap(segment, ACTOR_STYLE))
        elif kinds == {"place"}:
            out.append(_wrap(segment, PLACE_STYLE))
        else:
            out.append(_wrap(segment, BOTH_STYLE))
    return _WS.sub(" ", "".join(out)).strip()


def _rows(rows) -> list[Mapping]:
    if rows is None:
        return []
    if hasattr(rows, "to_dict"):
        return rows.to_dict("records")
    return [dict(r) for r in rows]


def build_evidence(
    title: str,
    text: str,
    terms=None,
    mentions=None,
    *,
    places=None,
    sentences: list[str] | None = None,
    sentence_sentiment: Callable[[str], float | None] | None = None,
) -> tuple[list[SentenceEvidence], list[Highlight]]:
    """Every sentence of an article with its highlights, plus matches that could not be
    placed.

    ``terms``: rows with category, term, matched, weight, sentence_index, start, end,
    and optionally the context ``rule`` that decided (see ``term_note``).
    ``mentions``: rows with actor, alias, sentence_index, start, end, sentiment.
    ``places``: rows with place, matched, province, role, sentence_index, start, end.
    (DataFrames or iterables of mappings.) ``sentences`` defaults to the scorer's split.
    A sentence's sentiment is the stored one from an actor mention in it when there is
    one, else ``sentence_sentiment(sentence)`` when given.
    """
    if sentences is None:
        sentences, _ = split_sentences(title, text)
    wanted: list[Highlight] = []
    for r in _rows(terms):
        wanted.append(
            Highlight(
                int(r["sentence_index"]),
                int(r["start"]),
                int(r["end"]),
                "term",
                str(r["category"]),
                str(r.get("matched") or ""),
                str(r.get("term") or ""),
                _num(r.get("weight")),
                rule=str(r.get("rule") or ""),
            )
        )
    stored_sentiment: dict[int, float] = {}
    for r in _rows(mentions):
        sentiment = _num(r.get("sentiment"))
        index = int(r["sentence_index"])
        wanted.append(
            Highlight(
                index,
                int(r["start"]),
                int(r["end"]),
                "actor",
                str(r["actor"]),
                str(r.get("alias") or ""),
                sentiment=sentiment,
            )
        )
        if sentiment is not None:
            stored_sentiment.setdefault(index, sentiment)
    for r in _rows(places):
        province = r.get("province")
        where = province if isinstance(province, str) and province else "no province"
        wanted.append(
            Highlight(
                int(r["sentence_index"]),
                int(r["start"]),
                int(r["end"]),
                "place",
                str(r["place"]),
                str(r.get("matched") or ""),
                f"{where}, {r.get('role') or 'place'}",
            )
        )

    placed: dict[int, list[Highlight]] = {}
    unplaced: list[Highlight] = []
    for hl in wanted:
        if not 0 <= hl.sentence_index < len(sentences):
            unplaced.append(hl)
            continue
        found = locate(sentences[hl.sentence_index], hl)
        if found is None:
            unplaced.append(hl)
        else:
            placed.setdefault(hl.sentence_index, []).append(found)

    out: list[SentenceEvidence] = []
    for index, sentence in enumerate(sentences):
        hls = sorted(placed.get(index, []), key=lambda h: (h.start, h.end, h.kind))
        sentiment, source = stored_sentiment.get(index), "stored"
        if sentiment is None and sentence_sentiment is not None and sentence.strip():
            try:
                sentiment, source = sentence_sentiment(sentence), "recomputed"
            except Exception:
                sentiment = None
        out.append(
            SentenceEvidence(
                index,
                sentence,
                highlight_markdown(sentence, hls),
                hls,
                sentiment,
                source if sentiment is not None else None,
            )
        )
    return out, unplaced


def term_note(h: Highlight, label: str) -> str:
    """How a matched term counted, in words: "Unrest & protest: crack-down (weight 4;
    requires: protesters)", or "(weight 0.6; past: khmer rouge)" when discounted."""
    inside = [f"weight {h.weight:g}"] if h.weight is not None else []
    if h.rule:
        inside.append(h.rule)
    return f"{label}: {h.detail or h.text}" + (f" ({'; '.join(inside)})" if inside else "")


def vetoed_notes(vetoed, label: Callable[[str], str]) -> list[str]:
    """One line per match a context rule stopped: sentence, term, category, and why
    (``vetoed``: rows with sentence_index, term, matched, category, rule)."""
    return [
        f"Sentence {int(r['sentence_index'])}: \"{r['matched']}\" not counted as "
        f"{label(str(r['category']))} ({r['rule']})"
        for r in _rows(vetoed)
    ]


def _num(value) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if f != f else f  # NaN -> None


def legend_markdown() -> str:
    """A one-line key to the highlight colours (no feed content)."""
    return (
        ":red-background[risk term] · :blue-background[**actor**] · "
        ":green-background[place] · :violet-background[**more than one**]"
    )


def plain_summary(text: str, limit: int = 300) -> str:
    """Whitespace-collapsed prefix of ``text`` (still to be escaped before display)."""
    text = _WS.sub(" ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
