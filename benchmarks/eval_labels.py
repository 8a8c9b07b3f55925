"""The hand labels of the development and held-out sets: loading and checking them.

One JSON object per line in tests/eval/labels.jsonl (and, with the same schema, in
tests/eval/heldout.jsonl); tests/eval/GUIDE.md defines every
field and the rules for borderline cases. Checked here rather than trusted, because a
benchmark that silently scores against a broken label is worse than none.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from eval_corpora import ROOT, reader_for

LABELS = ROOT / "tests" / "eval" / "labels.jsonl"
# The held-out set: same schema, labelled blind, never used to tune rules (GUIDE.md).
HELDOUT = ROOT / "tests" / "eval" / "heldout.jsonl"
TERMS = ROOT / "data" / "lexicons" / "terms.toml"

RISKS = ("low", "medium", "high")
TONES = ("negative", "neutral", "positive")
TAGS = frozenset({
    "calm", "near-miss", "furniture", "historical", "non-cambodia", "opinion", "stub",
    "section-page", "mixed-language", "duplicate-outlet",
    "batch2",  # the second development batch (tests/eval/GUIDE.md), for slicing figures
})
FIELDS = {
    "url": str, "source": str, "locator": str, "language": str, "relevant": bool,
    "categories": list, "actors": list, "risk": str, "tone": (str, type(None)),
    "tags": list, "note": str,
}


def category_ids(terms_file: Path = TERMS) -> frozenset[str]:
    """The category ids defined in terms.toml, read without the scorer."""
    with terms_file.open("rb") as f:
        return frozenset(tomllib.load(f)["categories"])


def problems(label: dict, categories: frozenset[str]) -> list[str]:
    """Everything wrong with one label, in words; empty when it is valid."""
    out = []
    for name, kind in FIELDS.items():
        if name not in label:
            out.append(f"missing field {name!r}")
        elif not isinstance(label[name], kind):
            out.append(f"{name!r} has the wrong type")
    extra = set(label) - set(FIELDS)
    if extra:
        out.append(f"unknown fields {sorted(extra)}")
    if out:
        return out
    if not label["url"].startswith(("http://", "https://")):
        out.append("url is not http(s)")
    if reader_for(label["source"]) is None:
        out.append(f"unknown source {label['source']!r}")
    if not label["locator"]:
        out.append("empty locator")
    lang = label["language"]
    if not (2 <= len(lang) <= 3 and lang.isalpha() and lang.islower()):
        out.append(f"language {lang!r} is not an ISO 639 code")
    unknown = [c for c in label["categories"] if c not in categories]
    if unknown:
        out.append(f"unknown categories {unknown}")
    if len(set(label["categories"])) != len(label["categories"]):
        out.append("repeated category")
    if not all(isinstance(a, str) and a.strip() == a and a for a in label["actors"]):
        out.append("actors must be non-empty trimmed names")
    if len(set(label["actors"])) != len(label["actors"]):
        out.append("repeated actor")
    if label["risk"] not in RISKS:
        out.append(f"risk {label['risk']!r} not one of {RISKS}")
    if label["tone"] is not None and label["tone"] not in TONES:
        out.append(f"tone {label['tone']!r} not one of {TONES}")
    if lang == "en" and label["relevant"] and label["tone"] is None:
        out.append("a relevant English item needs a tone")
    bad_tags = [t for t in label["tags"] if t not in TAGS]
    if bad_tags:
        out.append(f"unknown tags {bad_tags}")
    if not label["relevant"] and (label["categories"] or label["risk"] != "low"):
        out.append("an item not about Cambodia has no categories and low risk")
    return out


def load(path: Path = LABELS) -> list[dict]:
    """Every label, in file order. Raises ValueError naming the first bad line."""
    categories = category_ids()
    labels, seen = [], {}
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                label = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path.name} line {n}: not JSON ({e.msg})") from None
            if not isinstance(label, dict):
                raise ValueError(f"{path.name} line {n}: not an object")
            found = problems(label, categories)
            if found:
                raise ValueError(f"{path.name} line {n}: {'; '.join(found)}")
            if label["url"] in seen:
                raise ValueError(f"{path.name} line {n}: url repeats line {seen[label['url']]}")
            seen[label["url"]] = n
            labels.append(label)
    return labels
