"""Page furniture: sentences of a page or feed description that are not the article.

Related-article lists, tickers, share and newsletter prompts, link-only lines, bylines
and addresses would otherwise lend an article their terms, actors and places (a dengue
story picking up "scam" and Hun Sen from its sidebar). The patterns are data
(``[furniture]`` in terms.toml); a sentence matching one is skipped by every count, and
kept as an empty slot so that sentence numbers, and so stored offsets, do not move.
The title is never furniture.
"""

from __future__ import annotations

import re


def _union(patterns: list[str]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None


class Furniture:
    """The patterns compiled: those anchored at the start (``^``) are tried at the start
    only, which is most of them and far cheaper than a search through the sentence."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.anchored = _union([p[1:] for p in patterns if p.startswith("^")])
        self.anywhere = _union([p for p in patterns if not p.startswith("^")])

    def sentences(self, sents: list[str], first: int) -> set[int]:
        """Indexes of the sentences that are page furniture; ``first`` is 1 when
        sentence 0 is the title (never furniture), else 0."""
        tests = []
        if self.anchored is not None:
            tests.append(self.anchored.match)
        if self.anywhere is not None:
            tests.append(self.anywhere.search)
        return {i for i in range(first, len(sents)) if any(t(sents[i]) for t in tests)}
