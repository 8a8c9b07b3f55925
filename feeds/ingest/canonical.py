"""Canonical URLs and story fingerprints: how the ingest knows it has seen a story before.

Two entries are one article when their canonical URLs match, or when a feed repeats a
GUID it gave before, or when a syndicated copy carries the same normalised title and
nearly the same text within a few days (see ``feeds.config.DedupPolicy``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say how a reader arrived, never which article it is.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "ref", "ref_src", "ref_url", "cmpid", "icid",
    "ocid", "ncid", "sr_share", "spm", "share", "feature", "guccounter", "s_kwcid",
    "mkt_tok", "_hsenc", "_hsmi", "hsctatracking",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "itm_", "at_")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_NON_WORD = re.compile(r"[^\w\u1780-\u17ff]+")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, default port, tracking parameters or
    trailing slash; remaining query parameters sorted. Not a URL fetch: pure text."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    netloc = host
    if port and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ) if parts.query else []
    # http and https copies of one page are one article.
    return urlunsplit(("https", netloc, path, urlencode(query) if query else "", ""))


def normalise_title(title: str) -> str:
    """Case-, accent- and punctuation-blind form of a title; Khmer letters are kept."""
    if title.isascii():
        text = title.lower()  # nothing to normalise or strip accents from
    else:
        text = unicodedata.normalize("NFKC", title).casefold()
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
            or "\u1780" <= ch <= "\u17ff"
        )
    text = _NON_WORD.sub(" ", text)
    # Outlets append their own name: "... - Khmer Times", "... | VOA".
    return " ".join(text.split())


def strip_source_suffix(title: str) -> str:
    """Drop an outlet name appended to a title ("... - Khmer Times"). A suffix with a
    digit is kept: it is more likely a date or an edition than an outlet's name."""
    return re.sub(r"\s+[-|–—]\s+[^-|–—\d]{2,40}$", "", title.strip())


def title_fingerprint(title: str) -> str:
    norm = normalise_title(strip_source_suffix(title))
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


def shingles(text: str, size: int = 3) -> set[str]:
    words = normalise_title(text).split()
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of word 3-shingles; two empty texts count as identical."""
    sa, sb = shingles(a), shingles(b)
    if not sa and not sb:
        return 1.0
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)
