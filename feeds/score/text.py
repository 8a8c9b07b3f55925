"""Text handling shared by every scorer: cleaning, sentences, language, phrase lookup.

Everything here is deterministic and pure. The dashboard calls :func:`sentences` again
on a stored article to highlight evidence, so a change to the splitting rules changes
the meaning of stored offsets: bump the lexicon files (and rescore) when you touch it.

Sentences
---------
* The title, cleaned and with its whitespace collapsed, is sentence 0 when non-empty.
* The text is cleaned (NFC, control characters to spaces, zero-width characters and
  soft hyphens removed, lone surrogates to U+FFFD), then cut into paragraphs at line
  breaks. A line that starts with a lower-case letter continues the previous line (hard
  wrapped prose), any other line break ends a paragraph.
* A paragraph is cut after ``.``, ``!``, ``?`` or ``…`` (plus closing quotes or brackets)
  when whitespace and then something other than a lower-case letter follow, unless the
  full stop ends a known abbreviation (``Mr.``, ``Gen.``, ``Jan.``) or a one-letter
  initial (``U.S.``, ``H.E.``). It is always cut after the Khmer signs ``។`` and ``៕``,
  and after ``?`` or ``!`` directly followed by Khmer script.
* A sentence longer than :data:`MAX_SENTENCE` characters is cut at its last space before
  the limit (or at the limit), so hostile input cannot make one sentence enormous.

Phrase lookup
-------------
English lexicon entries are matched on words, not on characters: the article (its
sentences joined by line breaks) is cut into Latin-script words once, and each word that
can start an entry walks a word trie holding every entry (terms, actors, places and
exclusions together). The cost depends on the text, not on how many entries the
lexicons hold. Two words stay in one phrase when they are separated by spaces, a hyphen
or en dash, an apostrophe, or the full stop of a one-letter initial; any other
punctuation (comma, quote, bracket, line break, dash with spaces) ends the phrase. Keys
are lower-cased with accents folded, so ``Lèse-majesté`` and ``lese majeste`` are the
same key.

Khmer has no spaces between words, so Khmer entries are matched as substrings of the
sentence with its whitespace removed and the two interchangeable subscript forms of
DA/TA unified. A match must start on a base letter (not a subscript) and must not end in
the middle of a cluster (the next character may not be a vowel sign, diacritic or COENG).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from itertools import accumulate, compress, count
from operator import sub

from feeds.score import khmer_spelling

MAX_SENTENCE = 800

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


# --- sentences ------------------------------------------------------------------------

_SOFT_WRAP = re.compile(r"\n(?=[ \t]*[a-z])")
_LATIN_ENDS = ".!?\u2026"
_KHMER_ENDS = "\u17d4\u17d5"
_ENDS = frozenset(_LATIN_ENDS + _KHMER_ENDS)
_CLOSERS = frozenset("\"'\u201d\u2019\u00bb)]")
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt cpt sgt adm gov sen rep st jr sr vs etc inc
    ltd co corp dept est approx jan feb mar apr jun jul aug sep sept oct nov dec no nos
    mt ft hon rev""".split()
)


def _cap(sentence: str) -> Iterable[str]:
    while len(sentence) > MAX_SENTENCE:
        cut = sentence.rfind(" ", 0, MAX_SENTENCE)
        if cut <= 0:
            cut = MAX_SENTENCE
        head, sentence = sentence[:cut].strip(), sentence[cut:].strip()
        if head:
            yield head
    if sentence:
        yield sentence


_WORD_BEFORE = re.compile("[A-Za-z]+$")


def _is_end(para: str, first: int, after_marks: int, end: int) -> bool:
    """Whether the marks ``para[first:after_marks]`` (closers up to ``end``) end a sentence."""
    marks = para[first:after_marks]
    if not marks.isascii() and any(c in _KHMER_ENDS for c in marks):
        return True
    n = len(para)
    if end >= n:
        return True
    nxt = para[end]
    if not nxt.isspace():
        # "?" or "!" glued to Khmer script ends a sentence; anything else ("3.5") does not
        return marks[-1] in "!?" and "\u1780" <= nxt <= "\u17ff"
    k = end + 1
    while k < n and para[k].isspace():
        k += 1
    if k < n and para[k].islower():
        return False  # "... at 3 p.m. and", "Really? he asked"
    if marks == ".":
        # the letters just before the full stop (a window: abbreviations are short)
        before = _WORD_BEFORE.search(para, max(0, first - 12), first)
        if before:
            word = before.group()
            if len(word) == 1:
                return False  # an initial: "U.S. Embassy", "H.E. Hun Manet"
            low = word.lower()
            if low in ABBREVIATIONS and (low not in ("no", "nos") or (k < n and para[k].isdigit())):
                return False
    return True


def _split_paragraph(para: str) -> list[str]:
    """Sentences of one collapsed paragraph (any script)."""
    # Find the sentence marks with str.find (fast) rather than a regex scan.
    positions = []
    for mark in _LATIN_ENDS + _KHMER_ENDS:
        i = para.find(mark)
        while i >= 0:
            positions.append(i)
            i = para.find(mark, i + 1)
    if not positions:
        return [para]
    positions.sort()
    out = []
    n = len(para)
    start = 0
    done = -1
    for p in positions:
        if p < done:
            continue  # inside a run of marks already looked at
        e = p
        while e < n and para[e] in _ENDS:
            e += 1
        done = e
        after_marks = e
        while e < n and para[e] in _CLOSERS:
            e += 1
        if _is_end(para, p, after_marks, e):
            piece = para[start:e].strip()
            if piece:
                out.append(piece)
            start = e
    tail = para[start:].strip()
    if tail:
        out.append(tail)
    return out


# The same rules for an ASCII paragraph with single spaces, in fewer steps (a test checks
# that both give the same sentences). str.find is much faster than a regex scan here.
_ASCII_CLOSERS = "\"')]"


def _split_ascii(para: str) -> list[str]:
    positions = []
    for mark in ".!?":
        i = para.find(mark)
        while i >= 0:
            positions.append(i)
            i = para.find(mark, i + 1)
    if not positions:
        return [para]
    if len(positions) > 1:
        positions.sort()
    out = []
    n = len(para)
    start = 0
    done = -1
    for first in positions:
        if first < done:
            continue  # inside a run of marks already looked at
        end = first + 1
        while end < n and para[end] in ".!?":
            end += 1
        done = end
        after_marks = end
        while end < n and para[end] in _ASCII_CLOSERS:
            end += 1
        # an end needs one space and then anything but a lower-case letter
        if end + 1 >= n or para[end] != " " or "a" <= para[end + 1] <= "z":
            continue
        if after_marks == first + 1 and para[first] == ".":
            before = _WORD_BEFORE.search(para, max(0, first - 12), first)
            if before:
                word = before.group()
                if len(word) == 1:
                    continue  # an initial: "U.S. Embassy", "H.E. Hun Manet"
                low = word.lower()
                if low in ABBREVIATIONS and (
                    low not in ("no", "nos") or "0" <= para[end + 1] <= "9"
                ):
                    continue
        out.append(para[start:end])
        start = end + 1  # the one space after it
    if start < n:
        out.append(para[start:])
    return out


def _paragraph(line: str) -> str:
    """Whitespace collapsed, skipping the work when it is already single-spaced."""
    if (
        line.isascii()
        and "  " not in line
        and "\t" not in line
        and line[:1] != " "
        and line[-1:] != " "
    ):
        return line
    return collapse(line)


def sentences(title: str, text: str) -> list[str]:
    """Title as sentence 0 (if non-empty), then the text's sentences; see module doc."""
    out: list[str] = []
    head = collapse(normalise(title))
    if head:
        out.extend(_cap(head))
    body = normalise(text)
    if body:
        if "\n" in body:
            body = _SOFT_WRAP.sub(" ", body)
        for line in body.split("\n"):
            line = _paragraph(line)
            if not line:
                continue
            pieces = _split_ascii(line) if line.isascii() else _split_paragraph(line)
            for piece in pieces:
                if len(piece) > MAX_SENTENCE:
                    out.extend(_cap(piece))
                else:
                    out.append(piece)
    return out


# --- language -------------------------------------------------------------------------

_KHMER_RUN = re.compile("[\u1780-\u17b3]+")  # Khmer consonants and independent vowels
_LATIN_RUN = re.compile("[A-Za-z\u00c0-\u024f]+")
_KHMER_ANY = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
_DECLARED = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$")
# Function words that are common in English and rare in the other languages these feeds
# carry (French, Khmer in Latin transliteration, Indonesian, Vietnamese without accents).
ENGLISH_STOPWORDS = frozenset(
    """the and of to in on for with that this was were is are has have had been be will
    would could should said says from by at as an it its his her their they he she not
    but which who after over about against into than also more or there while when""".split()
)
_ENGLISH_STOPWORDS_BYTES = frozenset(w.encode("ascii") for w in ENGLISH_STOPWORDS)
_ASCII_LETTER_MASK = bytes(c if chr(c).isascii() and chr(c).isalpha() else 32 for c in range(256))
_SAMPLE = 20000  # characters looked at for the script
_STOPWORD_SAMPLE = 3000  # and for English function words


def has_khmer(text: str) -> bool:
    return not text.isascii() and _KHMER_ANY.search(text) is not None


def khmer_letter_count(text: str) -> int:
    return 0 if text.isascii() else sum(map(len, _KHMER_RUN.findall(text)))


def detect_language(text: str, declared: str | None) -> str | None:
    """Language to score ``text`` as.

    * ``'km'`` when Khmer letters outnumber Latin letters;
    * otherwise the declared code reduced to its primary subtag (``'en-US'`` -> ``'en'``),
      except that a declared ``'km'`` is not believed for text without any Khmer letter;
    * otherwise ``'en'`` when English function words make up at least a fifth of the
      Latin words (at least two of them, or one in a text of under eight words);
    * otherwise None (unknown).
    """
    sample = (text or "")[:_SAMPLE]
    khmer = khmer_letter_count(sample)
    if khmer and khmer > sum(map(len, _LATIN_RUN.findall(sample))):
        return "km"
    code = None
    if declared:
        m = _DECLARED.match(declared.strip().lower())
        if m:
            code = m.group(1)
    if code and not (code == "km" and khmer == 0):
        return code
    head = sample[:_STOPWORD_SAMPLE].lower()
    if head.isascii():  # bytes.translate + split: C speed, no regex scan
        words = head.encode("ascii").translate(_ASCII_LETTER_MASK).split()
        stopwords = _ENGLISH_STOPWORDS_BYTES
    else:
        words = _LATIN_RUN.findall(head)
        stopwords = ENGLISH_STOPWORDS
    if not words:
        return None
    hits = sum(1 for w in words if w in stopwords)
    enough = hits >= 2 or (hits >= 1 and len(words) < 8)
    if enough and hits >= 0.2 * len(words):
        return "en"
    return None


# --- tokens and phrase keys -----------------------------------------------------------

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


class PhraseIndex:
    """All English phrases of the lexicons in one word trie, looked up word by word.

    ``add`` registers a payload under a phrase key (folded words joined by spaces); a
    payload is a ``(kind, ref, exact)`` tuple where ``exact``, when not None, is the
    tuple of words as written that the text must show (acronyms are case-sensitive).
    ``scan`` returns ``(first_word, end_word, payloads)`` for every phrase found,
    overlapping ones included, with the text's :class:`Tokens`; callers resolve
    overlaps. Each word costs one dict lookup, plus one per further word of a phrase
    that is actually under way, whatever the number of phrases.
    """

    def __init__(self) -> None:
        self.phrases: dict[str, list[tuple]] = {}
        # node = [payloads or None, {next word: node} or None]
        self.root: dict[str, list] = {}

    def add_phrase(self, phrase: str, kind: str, ref: int) -> None:
        """Register a lexicon phrase and its closed form; acronyms only in capitals."""
        acronym = is_acronym(phrase)
        for variant in phrase_variants(phrase):
            folded, written = phrase_words(variant)
            self.add(" ".join(folded), (kind, ref, tuple(written) if acronym else None))

    def add(self, key: str, payload: tuple) -> None:
        words = key.split(" ")
        node = self.root.setdefault(words[0], [None, None])
        for word in words[1:]:
            if node[1] is None:
                node[1] = {}
            node = node[1].setdefault(word, [None, None])
        if node[0] is None:
            node[0] = self.phrases.setdefault(key, [])
        node[0].append(payload)

    def scan(self, text: str) -> tuple[list[tuple[int, int, list[tuple]]], Tokens]:
        """Every phrase in ``text`` as (first slot, last slot + 1, payloads)."""
        toks = Tokens(text)
        low = toks.low
        root = self.root
        hits: list[tuple[int, int, list[tuple]]] = []
        # slots whose word can start a phrase, found without a Python loop over every slot
        starts = list(compress(count(), map(root.__contains__, low)))
        if not starts:
            return hits, toks
        n = len(low)
        ascii_text = toks.is_ascii
        cum: list[int] = []
        for i in starts:
            node = root[low[i]]
            if node[0]:
                hits.append((i, i + 1, node[0]))
            last = i
            children = node[1]
            while children is not None:
                j = last + 1
                if j >= n:
                    break
                word = low[j]
                if word:
                    node = children.get(word)
                    if node is None:
                        break  # the usual way out: no phrase goes on with this word
                    if ascii_text:
                        # neighbouring ASCII slots: exactly one character between them
                        if not cum:
                            cum = toks.cum
                        c = text[cum[last] + last]
                        if not (
                            c == " " or c == "-" or c == "'" or (c == "." and len(low[last]) == 1)
                        ):
                            break
                    elif not joins(toks.between(last, j), low[last]):
                        break
                else:  # several characters between the words
                    j = toks.next_word(last)
                    if j >= n:
                        break
                    node = children.get(low[j])
                    if node is None or not joins(toks.between(last, j), low[last]):
                        break
                last = j
                if node[0]:
                    hits.append((i, j + 1, node[0]))
                children = node[1]
        return hits, toks


# --- Khmer substring lookup -----------------------------------------------------------

COENG = khmer_spelling.COENG
_KHMER_DEPENDENT = frozenset(chr(c) for c in range(0x17B4, 0x17D4)) | {"\u17dd"}
_KHMER_BASE = frozenset(chr(c) for c in range(0x1780, 0x17B4))


def khmer_key(text: str) -> str:
    """A Khmer lexicon form as matched (see :mod:`feeds.score.khmer_spelling`)."""
    return khmer_spelling.key(normalise(text))


class KhmerIndex:
    """Khmer forms looked up by first letter and length: cost does not grow with size."""

    def __init__(self) -> None:
        self.table: dict[str, list[tuple]] = {}
        self.lengths: dict[str, tuple[int, ...]] = {}

    def add(self, key: str, payload: tuple) -> None:
        self.table.setdefault(key, []).append(payload)
        lengths = set(self.lengths.get(key[0], ()))
        lengths.add(len(key))
        self.lengths[key[0]] = tuple(sorted(lengths, reverse=True))

    def scan(self, sentence: str) -> list[tuple[int, int, list[tuple]]]:
        """(start, end, payloads) with offsets in ``sentence``, every match (overlaps too)."""
        if sentence.isascii() or not self.table or not has_khmer(sentence):
            return []
        text, where = khmer_spelling.fold(sentence)
        n = len(text)
        lengths = self.lengths
        table = self.table
        hits: list[tuple[int, int, list[tuple]]] = []
        for i, ch in enumerate(text):
            options = lengths.get(ch)
            if not options or ch not in _KHMER_BASE or (i and text[i - 1] == COENG):
                continue
            for size in options:
                end = i + size
                if end > n:
                    continue
                found = table.get(text[i:end])
                if found is None:
                    continue
                if end < n and text[end] in _KHMER_DEPENDENT:
                    continue  # would cut a cluster in two
                hits.append((where[i], where[end - 1] + 1, found))
        return hits


# --- overlap helpers ------------------------------------------------------------------


def select_longest(candidates: list[tuple]) -> list[tuple]:
    """Non-overlapping ``(start, end, ...)`` candidates, longest first, in text order."""
    if len(candidates) < 2:
        return list(candidates)
    chosen: list[tuple] = []
    for c in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if all(c[1] <= d[0] or d[1] <= c[0] for d in chosen):
            chosen.append(c)
    chosen.sort()
    return chosen


def drop_excluded(candidates: list[tuple], exclusions: list[tuple]) -> list[tuple]:
    """Drop ``(start, end, ref, ...)`` candidates overlapped by an exclusion of ``ref``."""
    if not exclusions:
        return candidates
    return [
        c
        for c in candidates
        if not any(x[2] == c[2] and x[0] < c[1] and c[0] < x[1] for x in exclusions)
    ]
