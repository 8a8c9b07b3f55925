"""Names in scripts other than Latin and Khmer, found as substrings of the article.

Chinese, Japanese, Thai, Lao and Burmese write no spaces between words, and Russian or
Arabic inflect a name's ending, so these names (``world_names.toml``, field ``other``)
are looked for as plain substrings: one regular expression, the longest name first,
over the whole article, and only when the article has a character outside ASCII.
"""

from __future__ import annotations

import re


class ScriptIndex:
    """Substring lookup for the few names in other scripts."""

    def __init__(self) -> None:
        self.payloads: dict[str, list[tuple]] = {}
        self._pattern: re.Pattern | None = None

    def add(self, name: str, payload: tuple) -> None:
        self.payloads.setdefault(name.lower(), []).append(payload)
        self._pattern = None

    def scan(self, text: str) -> list[tuple[int, int, list[tuple]]]:
        """(start, end, payloads) of every name in ``text``, in text order."""
        if not self.payloads or text.isascii():
            return []
        if self._pattern is None:
            names = sorted(self.payloads, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, names)), re.IGNORECASE)
        return [
            (m.start(), m.end(), self.payloads[m.group().lower()])
            for m in self._pattern.finditer(text)
        ]
