"""The forms an actor is matched by, generated from the names an editor wrote.

Editors write each name once; these rules add the other ways the press writes it, so a
spelling is never listed twice by hand and never forgotten for one actor:

* **Western order.** Khmer names are written family name first (Kem Monovithya). For
  a person marked ``western_order = true``, the name and every alias of as many words
  also match with the family name last (Monovithya Kem).
* **Spellings.** ``spellings`` in actors.toml pairs British and American words
  (labour/labor, defence/defense): an alias with either word also matches with the other.
* **Ministries by their subject.** A government body called "Ministry of X" is also
  written "X Ministry" ("the Education, Youth and Sport Ministry", "the Information
  Ministry"); every name and alias of that shape also matches so.
* **Khmer short prefixes.** ``km_prefixes`` pairs a long prefix with its short form
  (គណបក្ស/បក្ស): a Khmer name starting with the long one also matches with the short one.

Pure functions over strings; ``feeds.lexicon.actors`` checks the results for clashes.
"""

from __future__ import annotations

import re


def western_order(name: str) -> str | None:
    """The name with its first word (the family name) moved to the end, or None."""
    words = name.split()
    if len(words) < 2:
        return None
    return " ".join(words[1:] + words[:1])


def _recase(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def spelling_variants(phrase: str, pairs: list[tuple[str, str]]) -> list[str]:
    """Every other spelling of ``phrase`` by the word pairs (either way round), in order."""
    swap: dict[str, str] = {}
    for a, b in pairs:
        swap[a] = b
        swap[b] = a
    if not swap:
        return []
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, swap)) + r")\b", re.IGNORECASE)
    out = [phrase]
    for form in out:  # grows while we go: every combination of swaps
        for m in pattern.finditer(form):
            word = m.group()
            other = form[: m.start()] + _recase(swap[word.lower()], word) + form[m.end() :]
            if other not in out:
                out.append(other)
    return out[1:]


_MINISTRY_OF = re.compile(r"^Ministry of (?:the )?(.+)$")


def ministry_subject_first(name: str) -> str | None:
    """ "Ministry of Information" -> "Information Ministry", else None."""
    m = _MINISTRY_OF.match(name)
    return f"{m.group(1)} Ministry" if m else None


def english_forms(
    name: str,
    aliases: tuple[str, ...],
    western: bool,
    spellings: list[tuple[str, str]],
    ministry: bool = False,
) -> list[tuple[str, str]]:
    """(form, how it was made) for every generated English form, written ones excluded.
    ``ministry``: the actor is a government body (so "Ministry of X" is also "X Ministry")."""
    written = (name, *aliases)
    made: list[tuple[str, str]] = []
    if ministry:
        for alias in written:
            turned = ministry_subject_first(alias)
            if turned:
                made.append((turned, f"the subject-first form of {alias!r}"))
    if western:
        size = len(name.split())
        for alias in written:
            if len(alias.split()) == size:
                turned = western_order(alias)
                if turned:
                    made.append((turned, f"the Western order of {alias!r}"))
    for base in [*written, *(f for f, _ in made)]:
        for other in spelling_variants(base, spellings):
            made.append((other, f"a spelling of {base!r}"))
    seen = set(written)
    out = []
    for form, how in made:
        if form not in seen:
            seen.add(form)
            out.append((form, how))
    return out


def khmer_forms(km: tuple[str, ...], prefixes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(form, how it was made) for every Khmer name written with a long prefix."""
    out = []
    for alias in km:
        squeezed = "".join(alias.split())
        for long, short in prefixes:
            if squeezed.startswith(long) and len(squeezed) > len(long):
                out.append((short + squeezed[len(long) :], f"{alias!r} without {long!r}"))
    return out
