"""Actor candidates that are not what their alias says, judged from the words around them.

Rules driven by actors.toml, plus one for web addresses:

* **Links.** A match inside a web address ("cambodia-supreme-court-dissolves" in a URL)
  is not a mention.
* **Outlets as sources.** A media outlet named as a source or a credit ("according to
  Fresh News", "told CamboJA News": ``credit_words``/``km_credit_words``, also before
  the outlet's full name when the match is the short form in brackets after it: "an
  interview with National TV (TVK)"; "(Fiona Kelliher/VOD)"; a site name after "|" or
  " - "; a page header of a date and a byline), or as the reporter ("Cambodianess
  could not reach the ministry", "Fresh News will present ...": ``credit_after_words``/
  ``km_credit_after_words``) is not a mention of the outlet: the story is not about it.
* **Bylines.** A person named as the writer ("By Mech Dara | June 25", "(Reporting by
  ...; Editing by ...)", "2014-07-29 19:19 by ...") is not a mention: the story is not
  about the reporter.
* **Places named after people.** A person's alias followed by a place word
  (``place_words``: "Hun Sen Boulevard", "Hun Sen Park"), or by one or two capitalised
  words and then a capitalised place word ("Sihanouk International Airport"), names a
  place or a building: the candidate is dropped. In Khmer the place word comes first
  (``km_place_words``: មហាវិថី ហ៊ុន សែន). A short Khmer name glued to the letters before
  it is part of another word (នួន ជា in ចំនួនជាង), unless an honorific comes first.
* **Another country's body.** A Cambodian ministry, court or security force named with
  a foreign country ("Thailand's Interior Ministry", "the Thai Defence Ministry", "the
  Ministry of Foreign Affairs of Vietnam", ក្រសួងការពារជាតិថៃ) is that country's: the
  candidate becomes a mention of the country's actor, qualifier included. The
  qualifiers are the ``demonyms`` of an actor and its English forms ("Thai", "Thailand",
  "Kingdom of Thailand"); Khmer qualifiers (``km_demonyms``) follow the body's name.

Checks cost a dictionary lookup or two per candidate; most candidates are followed by a
lower-case word and preceded by no country, and leave at the first test.
"""

from __future__ import annotations

import re

from feeds import khmer_spelling
from feeds.lexicon import Actor
from feeds.text import Tokens, is_acronym, joins, phrase_words

PEOPLE = ("person", "historical")
KM_SHORT_NAME = 6  # folded characters; longer Khmer names are not found inside words
BODIES = ("government_body", "court", "military")
_POSSESSIVE_MARKS = ("'", "\u2019", "\u02bc")
# នៃ ("of") and ប្រទេស ("country"), allowed between a body and its country
_KM_LINKS = ("\u1793\u17c3", "\u1794\u17d2\u179a\u1791\u17c1\u179f")
_KM_PREAH = "\u1796\u17d2\u179a\u17c7"  # ព្រះ
_DEPENDENT = frozenset(chr(c) for c in range(0x17B4, 0x17D4)) | {"\u17dd"}


_DATELINE = re.compile(r"[ ,]+[A-Z][^.!?\n]{0,40}?\s(?:--|\u2014|\u2013)\s")
_TRAILING_THE = re.compile(r"(?:^|\s+)the$", re.IGNORECASE)
_THE = re.compile(r"\bthe\b", re.IGNORECASE)
# a married woman's title before her own name and her husband's
_WIFE_TITLES = frozenset({"mrs", "madam", "madame", "chumteav"})
# "By" opening a line or following a separator, a bracket or a date: a byline
_BYLINE = re.compile(
    r"(?:^|\n|[|(;:\u2013\u2014]|\d)[ \t]*(?:(?:written|reported|reporting|story|text|"
    r"words|edited|editing|additional reporting)[ \t]+)?by[ \t]*$",
    re.IGNORECASE,
)
_SEPARATORS = ("|", "\u2013", "\u2014", "/")
# a date opening a line, or after a weekday or "|", then at most a few words (a
# reporter's name): the header of a page, "Sat, 25 October 2014 <reporter> <outlet>"
_DATED = re.compile(
    r"(?:^|\||\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?)[ \t]*"
    r"(?:\d{1,2} [A-Z][a-z]+,? \d{4}|[A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{4}-\d\d-\d\d"
    r"(?: \d\d?:\d\d)?)[^.!?\u17d4\n]{0,40}$",
    re.MULTILINE,
)
# a name in capitals just before "(": "National TV (" when the match is "TVK)"
_NAME_BEFORE_BRACKET = re.compile(r"(?:[A-Z][\w.'\u2019&-]*\s+)*[A-Z][\w.'\u2019&-]*\s*\($")
_LINK_JOINERS = frozenset("/-._")
_LINK_SIGNS = ("://", "www.", ".htm", ".com", ".org", ".net")


def _any_of(phrases: tuple[str, ...], head: str, tail: str) -> re.Pattern | None:
    """One regex for the phrases (lower case) between ``head`` and ``tail``, or None."""
    if not phrases:
        return None
    return re.compile(head + "|".join(re.escape(w.lower()) for w in phrases) + tail)


def _spans(cands: list[tuple]) -> set[tuple[int, int]]:
    return {(c[0], c[1]) for c in cands}


def _in_link(cand: tuple, text: str) -> bool:
    """Whether the match is part of a web address ("/cambodia-supreme-court-dissolves")."""
    start, end = cand[0], cand[1]
    if not (text[start - 1 : start] in _LINK_JOINERS or text[end : end + 1] in _LINK_JOINERS):
        return False  # the usual case: a space or punctuation on both sides
    a = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start), text.rfind("(", 0, start))
    b = len(text)
    for stop in (" ", "\n", ")"):
        k = text.find(stop, end)
        if k >= 0:
            b = min(b, k)
    chunk = text[a + 1 : b]
    if any(sign in chunk for sign in _LINK_SIGNS):
        return True
    # a path or file name: "/khmer/hun-sen/", "bio__kem-sokha__marching.jpg"; not "CPP/CNRP"
    head, tail = text[a + 1 : start], text[end:b]
    return "__" in chunk or ("/" in head and "/" in tail)


def _slot_ending_at(toks: Tokens, first: int, end: int) -> int:
    """The slot of the last word of a match starting at slot ``first`` and ending at ``end``."""
    m = first
    while toks.end(m) < end:
        nxt = toks.next_word(m)
        if nxt >= len(toks.low):
            break
        m = nxt
    return m


class Screen:
    """The two rules, compiled once per lexicon."""

    def __init__(
        self,
        actors: list[Actor],
        place_words: tuple[str, ...] = (),
        km_place_words: tuple[str, ...] = (),
        credit_words: tuple[str, ...] = (),
        km_credit_words: tuple[str, ...] = (),
        km_honorifics: tuple[str, ...] = (),
        credit_after_words: tuple[str, ...] = (),
        km_credit_after_words: tuple[str, ...] = (),
    ) -> None:
        self.people = frozenset(r for r, a in enumerate(actors) if a.type in PEOPLE)
        self.bodies = frozenset(r for r, a in enumerate(actors) if a.cambodian and a.type in BODIES)
        self.media = frozenset(r for r, a in enumerate(actors) if a.type == "media")
        # before the outlet, ending where it starts; after it, starting where it ends
        self.credit_words = _any_of(credit_words, r"(?:^|\W)(?:", r")$")
        self.km_credit_words = tuple(khmer_spelling.key(w) for w in km_credit_words)
        self.credit_after = _any_of(credit_after_words, r"\W{0,3}(?:", r")\b")
        self.km_credit_after = tuple(khmer_spelling.key(w) for w in km_credit_after_words)
        self.km_honorifics = tuple(khmer_spelling.key(h) for h in km_honorifics)
        self.place_words = frozenset(place_words)
        self.km_place_words = tuple(khmer_spelling.key(w) for w in km_place_words)
        # qualifier phrases by their last word (before a body) and first word (after "of")
        self.by_last: dict[str, list[tuple[list[str], tuple[str, ...] | None, int]]] = {}
        self.by_first: dict[str, list[tuple[list[str], tuple[str, ...] | None, int]]] = {}
        km: list[tuple[str, int]] = []
        for ref, actor in enumerate(actors):
            if not (actor.demonyms or actor.km_demonyms):
                continue
            for phrase in (*actor.demonyms, *(actor.forms or (actor.name, *actor.aliases))):
                folded, written = phrase_words(phrase)
                entry = (folded, tuple(written) if is_acronym(phrase) else None, ref)
                self.by_last.setdefault(folded[-1], []).append(entry)
                self.by_first.setdefault(folded[0], []).append(entry)
            for d in (*actor.km_demonyms, *(actor.km_forms or actor.km)):
                km.append((khmer_spelling.key(d), ref))
        self.km_demonyms = sorted(km, key=lambda k: -len(k[0]))
        self.active = bool(self.people or self.by_last or km)

    def apply(self, cands: list[tuple], toks: Tokens, text: str) -> list[tuple]:
        """The candidates ``(start, end, ref, word, acronym)`` with the rules applied."""
        out: list[tuple] | None = None  # built only once a candidate changes
        for n, cand in enumerate(cands):
            new = cand
            ref = cand[2]
            if _in_link(cand, text):
                new = None
            elif ref in self.people:
                if (
                    self._place(cand, toks, text)
                    or self._byline(cand[0], text)
                    or self._wife(cand[3], toks)
                ):
                    new = None
            elif ref in self.bodies:
                new = self._foreign(cand, toks, text) or cand
            elif ref in self.media and self._credit(cand, text, cands):
                new = None
            if new is not cand and out is None:
                out = list(cands[:n])
            if out is not None and new is not None:
                out.append(new)
        if out is None:
            return cands
        # what a dropped candidate covered is not another actor either: "told CamboJA
        # News" is neither the outlet nor the association called CamboJA
        dropped = [c for c in cands if c not in out and (c[0], c[1]) not in _spans(out)]
        return [c for c in out if not any(d[0] <= c[0] and c[1] <= d[1] for d in dropped)]

    # --- an outlet as a source or a credit

    def _credit(self, cand: tuple, text: str, cands: list[tuple]) -> bool:
        start, end = cand[0], cand[1]
        line = text.rfind("\n", 0, start) + 1
        before = text[max(line, start - 60) : start]
        stop = text.find("\n", end)
        rest = text[line : len(text) if stop < 0 else stop]
        for c in sorted((c for c in cands if c[2] in self.media), reverse=True):
            rest = rest[: c[0] - line] + rest[c[1] - line :]
        if not any(ch.isalpha() for ch in _THE.sub("", rest)):
            return True  # a line of outlet names alone: "Agence Kampuchea Presse - AKP"
        if _DATED.search(text, max(line, start - 90), start):
            return True  # "Wednesday, 09 April 2014 Phnom Penh Post ...": a page header
        after = text[end : end + 3]
        if after[:1] == "/" or before[-1:] == "/" or after[:2] in (" |", " /"):
            return True  # "(Fiona Kelliher/VOD)", "Cambodianess / ...", "VOD | ..."
        if not before.strip() and (after[:1] == ":" or _DATELINE.match(text, end)):
            return True  # "VOD: Justice", "AKP Phnom Penh, December 8 -- ...": furniture
        if self._reporter(text, end):
            return True  # "Cambodianess could not reach ...", "Fresh News will present"
        bare = before.rstrip()
        if bare.endswith("("):  # "an interview with National TV (TVK)": the full name's
            named = _NAME_BEFORE_BRACKET.search(bare)  # words decide
            if named:
                bare = bare[: named.start()].rstrip()
        if bare[-1:] in _SEPARATORS or bare.endswith(" -"):
            return True  # "National | Phnom Penh Post", "Agence Kampuchea Presse - AKP"
        tail = _TRAILING_THE.sub("", bare)  # "told the Phnom Penh Post"
        if self.credit_words is not None and self.credit_words.search(tail.lower()):
            return True  # "according to Fresh News", "told CamboJA News"
        if self.km_credit_words and not tail.isascii():
            folded = khmer_spelling.key(tail.rstrip(":\u17d6 "))  # "ប្រភព :" (source:)
            return any(folded.endswith(w) for w in self.km_credit_words)
        return False

    def _reporter(self, text: str, end: int) -> bool:
        """Whether the words after the outlet make it the story's reporter."""
        after = text[end : end + 60]
        if self.credit_after is not None and self.credit_after.match(after.lower()):
            return True
        if self.km_credit_after and not after.isascii():
            folded = khmer_spelling.key(after)
            return any(folded.startswith(w) for w in self.km_credit_after)
        return False

    def _byline(self, start: int, text: str) -> bool:
        """Whether the person at ``start`` is named as a story's writer."""
        if text[max(0, start - 4) : start].rstrip().lower()[-2:] != "by":
            return False  # the usual case, at the cost of a slice
        return _BYLINE.search(text, max(0, start - 60), start) is not None

    def _wife(self, first: int, toks: Tokens) -> bool:
        """Whether the person is the end of a married woman's name: "Mrs. Ou Thyda Poeuv
        Kuoch Chamroeun" names his wife, not Kuoch Chamroeun (the Khmer custom of a
        wife's name followed by her husband's)."""
        if first < 0:
            return False
        low = toks.low
        later = first
        p = toks.previous_word(first)
        names = 0
        while p >= 0 and names < 4 and toks.word(p)[:1].isupper():
            if low[p] in _WIFE_TITLES:
                return names >= 2
            if toks.between(p, later) not in (" ", "\u00a0"):
                return False
            later = p
            p = toks.previous_word(p)
            names += 1
        return False

    # --- places named after people

    def _place(self, cand: tuple, toks: Tokens, text: str) -> bool:
        start, end, _ref, first, _acronym = cand
        if first < 0:
            if self._inside_khmer_word(start, end, text):
                return True
            if not self.km_place_words:
                return False
            before = khmer_spelling.key(text[max(0, start - 40) : start])
            before = before.removesuffix(_KM_PREAH)  # មហាវិថីព្រះនរោត្តម: "royal"
            return any(before.endswith(w) for w in self.km_place_words)
        if text[end : end + 1] not in (" ", "\u00a0"):
            return False  # "Hun Sen," "Hun Sen's": the usual case
        low = toks.low
        last = _slot_ending_at(toks, first, end)
        for step in range(3):
            m = toks.next_word(last)
            if m >= len(low) or not joins(toks.between(last, m), low[last]):
                return False
            capital = toks.word(m)[:1].isupper()
            if low[m] in self.place_words and (step == 0 or capital):
                return True
            if not capital:
                return False
            last = m
        return False

    def _inside_khmer_word(self, start: int, end: int, text: str) -> bool:
        """A short Khmer name glued to the letters before it is part of another word:
        នួន ជា in ចំនួនជាង ("more than"). Khmer has no spaces between words, so only
        short names are checked, and a name right after an honorific (លោកនួន ជា) is fine."""
        previous = text[start - 1 : start]
        if not previous or not "\u1780" <= previous <= "\u17ff":
            return False
        if len(khmer_spelling.key(text[start:end])) >= KM_SHORT_NAME:
            return False
        before = khmer_spelling.key(text[max(0, start - 40) : start])
        return not any(before.endswith(h) for h in self.km_honorifics)

    # --- another country's body

    def _foreign(self, cand: tuple, toks: Tokens, text: str) -> tuple | None:
        start, end, _ref, first, _acronym = cand
        if first < 0:
            return self._foreign_khmer(cand, text)
        found = self._qualifier_before(toks, first)
        if found is not None:
            slot, country = found
            return (toks.start(slot), end, country, slot, False)
        if text[end : end + 4].lower() == " of ":
            found = self._qualifier_after(toks, _slot_ending_at(toks, first, end))
            if found is not None:
                q_end, country = found
                return (start, q_end, country, first, False)
        return None

    def _matches(self, toks: Tokens, slots: list[int], entry) -> bool:
        words, exact, _ref = entry
        if [toks.low[m] for m in slots] != words:
            return False
        return exact is None or tuple(toks.word(m) for m in slots) == exact

    def _qualifier_before(self, toks: Tokens, first: int) -> tuple[int, int] | None:
        low = toks.low
        p = toks.previous_word(first)
        if p < 0:
            return None
        gap = toks.between(p, first)
        if low[p] == "s" and gap == " ":  # "Thailand's Interior Ministry"
            q = toks.previous_word(p)
            if q < 0 or toks.between(q, p) not in _POSSESSIVE_MARKS:
                return None
            p = q
        elif not joins(gap, low[p]) and gap.rstrip(" ") not in _POSSESSIVE_MARKS:
            return None  # neither "Thai Senate", "U.S. Senate" nor "the States' Senate"
        for entry in self.by_last.get(low[p], ()):
            slots = [p]
            while len(slots) < len(entry[0]):
                q = toks.previous_word(slots[0])
                if q < 0 or not joins(toks.between(q, slots[0]), low[q]):
                    break
                slots.insert(0, q)
            if self._matches(toks, slots, entry):
                return slots[0], entry[2]
        return None

    def _qualifier_after(self, toks: Tokens, last: int) -> tuple[int, int] | None:
        low = toks.low
        m = toks.next_word(last)  # "of"
        m = toks.next_word(m)
        if m < len(low) and low[m] == "the":
            m = toks.next_word(m)
        if m >= len(low):
            return None
        for entry in self.by_first.get(low[m], ()):
            slots = [m]
            while len(slots) < len(entry[0]):
                q = toks.next_word(slots[-1])
                if q >= len(low) or not joins(toks.between(slots[-1], q), low[slots[-1]]):
                    break
                slots.append(q)
            if self._matches(toks, slots, entry):
                return toks.end(slots[-1]), entry[2]
        return None

    def _foreign_khmer(self, cand: tuple, text: str) -> tuple | None:
        if not self.km_demonyms:
            return None
        start, end = cand[0], cand[1]
        window = text[end : end + 60]
        folded, where = khmer_spelling.fold(window)
        skip = 0
        for word in _KM_LINKS:  # "of", "country": រដ្ឋសភានៃប្រទេសអូស្ត្រាលី
            if folded.startswith(word, skip):
                skip += len(word)
        for key, country in self.km_demonyms:
            stop = skip + len(key)
            if folded.startswith(key, skip) and folded[stop : stop + 1] not in _DEPENDENT:
                return (start, end + where[stop - 1] + 1, country, -1, False)
        return None
