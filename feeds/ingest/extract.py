"""Article page to main text, for feeds that carry only teasers (``full_text = true``).

trafilatura does the extraction. Its default keeps reader comments, which would feed
"Great post!" into the sentiment score, so comments are always excluded here, and so are
tables and link-heavy boxes (navigation, "related stories").
"""

from __future__ import annotations

import logging

# trafilatura logs every page it cannot read at WARNING; the refresh job records its own
# per-feed outcome instead.
logging.getLogger("trafilatura").setLevel(logging.ERROR)

# Below this many characters an "article" is a cookie banner or a paywall notice.
MIN_CHARS = 200


def extract_text(page: bytes | str, url: str | None = None) -> str | None:
    """Main text of an article page, or None when nothing article-like was found."""
    import trafilatura  # heavy (it brings dateparser); only full-text feeds need it

    try:
        text = trafilatura.extract(
            page,
            url=url,
            include_comments=False,
            include_tables=False,
            include_links=False,
            include_images=False,
            favor_precision=True,
            deduplicate=True,
        )
    except Exception:  # trafilatura on hostile HTML: treat as "no article found"
        return None
    if not text or len(text.strip()) < MIN_CHARS:
        return None
    return text.strip()
