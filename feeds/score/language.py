"""Which language an article is scored as: Khmer by script, else py3langid.

The verdict decides what every number means: English term lists and VADER run on
English only, Khmer lists on Khmer only, and any other language gets relevance from the
country's names in many languages (``data/lexicons/country_names.toml``) and actors'
names, with risk and sentiment "not scored" (None), never 0.

* Khmer letters outnumbering Latin letters make it Khmer: the script settles it exactly
  and costs one pass.
* Otherwise py3langid (a maintained, pure-Python naive-Bayes identifier with a bundled
  model) reads the first :data:`LEAD` characters. Chosen over lingua-language-detector
  after ``benchmarks/bench_langid.py``: on the development set's 194 non-Khmer items
  both are right on every item when given the lead of the body, but py3langid takes
  about 0.3 ms an item against lingua's 4-8 ms, which alone would double scoring time.
* The model is limited to :data:`LANGUAGES`, the languages of the region, its
  neighbours' and the big international ones: a language outside them is still not
  English, and the limit stops absurd answers for short text ("pcm" for "Police said
  so.").
* Plain English prose is settled before the identifier is asked: when at least
  :data:`ENGLISH_SHARE` of the lead's first :data:`ENGLISH_WORDS` or more words are
  English function words ("the", "of", "said" ...). No other language's text comes near
  that share (on the development set's non-English items the highest is 4%), and it
  costs a few microseconds where the identifier costs about 300: without it, language
  identification would add about 65% to scoring time instead of at most 15%.
* Text with fewer than :data:`MIN_LETTERS` letters is too short for any identifier:
  the feed's declared language is believed then (reduced to its primary subtag,
  ``'en-US'`` -> ``'en'``; a declared ``'km'`` needs Khmer letters), else the guess.
  No letter at all and no declaration: None.
"""

from __future__ import annotations

import re
from functools import cache

from feeds.text import LATIN_RUN, khmer_letter_count

_DECLARED = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$")
LEAD = 600  # characters given to the identifier: enough, and its cost is linear
MIN_LETTERS = 24
ENGLISH_SHARE = 0.25
ENGLISH_WORDS = 12
# English function words: common in English prose, rare as words of other languages
ENGLISH_STOPWORDS = frozenset(
    b"""the and of to in on for with that this was were is are has have had been be will
    would could should said says from by at as an it its his her their they he she not
    but which who after over about against into than also more or there while when""".split()
)
_ASCII_LETTERS = bytes(c if chr(c).isascii() and chr(c).isalpha() else 32 for c in range(256))
LANGUAGES = tuple(
    """en fr de es pt it nl id ms vi th lo my zh ja ko ru uk ar fa ur hi bn ta ne si tl
    tr pl cs ro hu el he sv da no fi km""".split()
)


@cache
def _identifier():
    """py3langid's model, loaded once per process (about a second)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    ident.set_languages(list(LANGUAGES))
    return ident


def _declared(declared: str | None) -> str | None:
    if declared:
        m = _DECLARED.match(declared.strip().lower())
        if m:
            return m.group(1)
    return None


def detect_language(text: str, declared: str | None = None) -> str | None:
    """Language to score ``text`` as (an ISO 639 code), or None when it cannot be told."""
    sample = (text or "")[: LEAD * 4]
    khmer = khmer_letter_count(sample)
    if khmer and khmer > sum(map(len, LATIN_RUN.findall(sample))):
        return "km"
    code = _declared(declared)
    if code == "km" and not khmer:
        code = None
    lead = " ".join(sample.split())[:LEAD]
    if _plain_english(lead):
        return "en"
    letters = sum(map(str.isalpha, lead))
    if letters < MIN_LETTERS and code:
        return code
    if not letters:
        return None
    return _identifier().classify(lead)[0]


def _plain_english(lead: str) -> bool:
    """Whether the lead is ASCII prose dense with English function words."""
    if not lead.isascii():
        return False
    found = lead.lower().encode("ascii").translate(_ASCII_LETTERS).split()
    if len(found) < ENGLISH_WORDS:
        return False
    return sum(1 for w in found if w in ENGLISH_STOPWORDS) >= ENGLISH_SHARE * len(found)


def language_sample(title: str, text: str) -> str:
    """What the identifier reads: the body's lead when it has one, else the title too.

    The body rather than the title, because aggregators put a title in one language over
    a text in another.
    """
    body = (text or "").strip()
    if sum(map(str.isalpha, body[:LEAD])) >= 2 * MIN_LETTERS:
        return body
    return f"{title or ''}\n{body}"
