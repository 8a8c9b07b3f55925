"""Which language an article is scored as: Khmer by script, else declared, else English.

Only English is sentiment-scored; a Khmer article's sentiment is "not scored", never 0,
so this verdict decides what the numbers mean.
"""

from __future__ import annotations

import re

from feeds.text import LATIN_RUN, khmer_letter_count

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
    if khmer and khmer > sum(map(len, LATIN_RUN.findall(sample))):
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
        words = LATIN_RUN.findall(head)
        stopwords = ENGLISH_STOPWORDS
    if not words:
        return None
    hits = sum(1 for w in words if w in stopwords)
    enough = hits >= 2 or (hits >= 1 and len(words) < 8)
    if enough and hits >= 0.2 * len(words):
        return "en"
    return None
