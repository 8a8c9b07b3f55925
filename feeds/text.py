"""How text is read: cleaning, words, phrase keys and Khmer keys.

The lexicon loader and the scorer must agree on what counts as "the same phrase", so
the rules live here, below both: the loader keys every entry with them while validating
(duplicates, exclusions that contain their entry), and the scorer's indexes look words up
by the same keys. Pure and deterministic; nothing here knows about lexicons or scores.

Words and keys
--------------
A text is cut into Latin-script words once (:class:`Tokens`). Two words stay in one
phrase when they are separated by spaces, a hyphen or en dash, an apostrophe, or the full
stop of a one-letter initial; any other punctuation (comma, quote, bracket, line break,
dash with spaces) ends the phrase. Keys are lower-cased with accents folded, so
``Lèse-majesté`` and ``lese majeste`` are the same key.

Khmer keys are the Khmer spelling fold of :mod:`feeds.khmer_spelling` (whitespace,
sign variants, mark order), the same one the scorer applies to article text.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import accumulate, count
from operator import sub

from feeds import khmer_spelling

# --- cleaning -------------------------------------------------------------------------

_SURROGATES = re.compile("[\ud800-\udfff]")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_LINE_BREAKS = re.compile("[\u0085\u2028\u2029\v\f]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def normalise(text: str | None) -> str:
    """NFC, line breaks to ``\\n``, controls to spaces, invisible characters removed."""
    if not text:
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.replace("\n", "").replace("\t", "").isprintable():
        # the common case: nothing to remove (str.isprintable is one fast C pass)
        return text if text.isascii() else unicodedata.normalize("NFC", text)
    text = _SURROGATES.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _LINE_BREAKS.sub("\n", text)
    return _CONTROL.sub(" ", text)


def collapse(text: str) -> str:
    """Whitespace runs (including line breaks) to one space, ends trimmed."""
    return " ".join(text.split())


# The bidirectional controls: embeddings and overrides (U+202A-U+202E), isolates
# (U+2066-U+2069), the left-to-right and right-to-left marks (U+200E, U+200F) and the
# Arabic letter mark (U+061C). In a title they make the screen disagree with the text
# ("gnp.exe" behind U+202E reads "exe.png"); news titles need none of them.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def strip_bidi(text: str) -> str:
    """``text`` without bidirectional control characters."""
    return _BIDI.sub("", text) if text else text


def search_key(text: str | None) -> str:
    """The form text is searched in: NFKC, case-folded (full Unicode folding, so "É"
    and "é", "ß" and "ss" meet), bidirectional controls and zero-width characters
    dropped. Stored beside each article and applied to every query, so a search is
    case-insensitive beyond ASCII on SQLite and PostgreSQL alike. Khmer has no case and
    passes through unchanged (it is already NFC, and NFKC leaves it be)."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    text = _INVISIBLE.sub("", _BIDI.sub("", text))
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


# --- script ---------------------------------------------------------------------------

_KHMER_RUN = re.compile("[\u1780-\u17b3]+")  # Khmer consonants and independent vowels
LATIN_RUN = re.compile("[A-Za-z\u00c0-\u024f]+")
_KHMER_ANY = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")


def has_khmer(text: str) -> bool:
    return not text.isascii() and _KHMER_ANY.search(text) is not None


def has_latin(text: str) -> bool:
    return LATIN_RUN.search(text) is not None


def khmer_letter_count(text: str) -> int:
    return 0 if text.isascii() else sum(map(len, _KHMER_RUN.findall(text)))


_WORD_CHARS = "0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_WORD = re.compile(f"[{_WORD_CHARS}]+")
_SPLIT = re.compile(f"([{_WORD_CHARS}]+)")
_JOINING_GAP = re.compile("[ \t\u00a0]+|[-\u2010\u2011\u2012\u2013]|['\u2019\u02bc]")
_INITIAL_GAP = re.compile(r"\.[ \u00a0]?")
_fold_cache: dict[str, str] = {}


def fold(word: str) -> str:
    """Lower-case and strip accents from one word (cached)."""
    hit = _fold_cache.get(word)
    if hit is None:
        low = word.lower()
        hit = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
        if len(_fold_cache) < 50000:
            _fold_cache[word] = hit
    return hit


def joins(gap: str, previous_word: str) -> bool:
    """Whether two words separated by ``gap`` may belong to one phrase."""
    if gap == " ":
        return True
    if _JOINING_GAP.fullmatch(gap):
        return True
    return len(previous_word) == 1 and _INITIAL_GAP.fullmatch(gap) is not None


_ASCII_WORD_MASK = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256))


class Tokens:
    """A text cut into Latin-script words, once, shared by every matcher.

    The text is a sequence of *slots*: ``low[m]`` is a word lower-cased with accents
    folded, or "" for a slot that holds no word (ASCII text gets one per extra separator
    character). Slot m ends at ``cum[m] + m`` and starts at ``cum[m] + m - len(low[m])``
    (``cum``, computed on first use, is the running total of slot lengths): one pass over
    the text, no list of offsets. ``word(m)`` is the word as written, ``between(a, b)``
    the text from the end of slot a to the start of slot b. ASCII text, the usual case,
    is cut with ``bytes.translate`` and ``str.split`` at C speed; other text by a regex.
    """

    __slots__ = ("text", "low", "is_ascii", "_cum", "_words", "_masked")

    def __init__(self, text: str) -> None:
        self.text = text
        self._words: list[str] | None = None
        if text.isascii():
            self.is_ascii = True
            masked = text.encode("ascii").translate(_ASCII_WORD_MASK).decode("ascii")
            self._masked = masked
            self.low = masked.lower().split(" ")
            self._cum: list[int] | None = None
        else:
            self.is_ascii = False
            self._masked = ""
            parts = _SPLIT.split(text)  # [gap, word, gap, word, ..., gap]
            words = parts[1::2]
            ends = list(accumulate(map(len, parts)))[1 : 2 * len(words) : 2]
            self._cum = list(map(sub, ends, count()))
            self._words = words
            if words:
                joined = "\x00".join(words).lower()  # one C call instead of one per word
                low = joined.split("\x00")
                if not joined.isascii():
                    low = [w if w.isascii() else fold(w) for w in low]
            else:
                low = []
            self.low = low

    @property
    def cum(self) -> list[int]:
        cum = self._cum
        if cum is None:
            cum = self._cum = list(accumulate(map(len, self.low)))
        return cum

    @property
    def words(self) -> list[str]:
        """The slots as written (same slots as ``low``)."""
        if self._words is None:
            text = self.text
            cum = self.cum
            self._words = [
                text[cum[m] + m - len(w) : cum[m] + m] if w else "" for m, w in enumerate(self.low)
            ]
        return self._words

    def written_somewhere(self, word: str) -> bool:
        """Whether ``word`` appears as a whole word, exactly as given, in the text."""
        if self._masked:
            # a substring search in the text with punctuation masked: C speed
            masked = self._masked
            at = masked.find(word)
            while at >= 0:
                after = at + len(word)
                if (at == 0 or masked[at - 1] == " ") and (
                    after == len(masked) or masked[after] == " "
                ):
                    return True
                at = masked.find(word, after)
            return False
        return word in self.words

    def end(self, m: int) -> int:
        return self.cum[m] + m

    def start(self, m: int) -> int:
        return self.cum[m] + m - len(self.low[m])

    def word(self, m: int) -> str:
        end = self.cum[m] + m
        return self.text[end - len(self.low[m]) : end]

    def between(self, a: int, b: int) -> str:
        """The text from the end of slot ``a`` to the start of slot ``b``."""
        return self.text[self.end(a) : self.start(b)]

    def next_word(self, m: int) -> int:
        """The first slot after ``m`` holding a word, or ``len(low)``."""
        m += 1
        low = self.low
        while m < len(low) and not low[m]:
            m += 1
        return m

    def previous_word(self, m: int) -> int:
        """The last slot before ``m`` holding a word, or -1."""
        m -= 1
        low = self.low
        while m >= 0 and not low[m]:
            m -= 1
        return m


def phrase_words(phrase: str) -> tuple[list[str], list[str]]:
    """(folded words, words as written) of a lexicon phrase.

    Raises ValueError when the phrase has no Latin word, or punctuation that would split
    it in running text (a comma, a quote, a bracket ...).
    """
    text = collapse(normalise(phrase))
    toks = Tokens(text)
    slots = [m for m, w in enumerate(toks.low) if w]
    if not slots:
        raise ValueError("has no Latin-script word")
    if text[: toks.start(slots[0])].strip(".") or text[toks.end(slots[-1]) :].strip("."):
        raise ValueError("has punctuation outside its words")
    for a, b in zip(slots, slots[1:], strict=False):
        gap = toks.between(a, b)
        if not joins(gap, toks.low[a]):
            raise ValueError(f"has {gap!r} between words, which would split it in text")
    return [toks.low[m] for m in slots], [toks.word(m) for m in slots]


def phrase_key(phrase: str) -> str:
    return " ".join(phrase_words(phrase)[0])


_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def phrase_variants(phrase: str) -> list[str]:
    """The phrase, plus its closed form when written with a hyphen (crack-down, crackdown)."""
    closed = _INNER_HYPHEN.sub("", phrase)
    return [phrase] if closed == phrase else [phrase, closed]


def is_acronym(phrase: str) -> bool:
    """Written in capitals with at most four letters (CPP, NEC, U.S.)."""
    letters = [c for c in phrase if c.isalpha()]
    return 0 < len(letters) <= 4 and all(c.isupper() for c in letters)



# --- Khmer keys -----------------------------------------------------------------------

COENG = khmer_spelling.COENG


def khmer_key(text: str) -> str:
    """A Khmer lexicon form as matched (see :mod:`feeds.khmer_spelling`)."""
    return khmer_spelling.key(normalise(text))


# --- writing text out ------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|<>~])")


def md_escape(text: str) -> str:
    """Feed text made inert inside Markdown: one line, no emphasis, links or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
