"""How far the scorer's signal can be trusted: the development set against the scorer.

Scores every hand-labelled item of tests/eval/labels.jsonl (texts read from
../shared/corpora, never stored in the project) with the project's real scorer, called
as the refresh job calls it, and prints, each beside its goal from issue #9:

* relevance precision, recall and F1;
* risk categories: precision and recall per category, and micro-averaged P/R/F1;
* Cambodian actors: precision and recall;
* risk ranking: AUC of the risk score, high against low and high against medium;
* tone: agreement of the sentiment's sign with the hand label on English items, overall
  and per labelled category;
* items in a language other than English or Khmer that got a risk term.

Category, actor, risk and tone figures are over the items labelled relevant (what the
dashboard shows); relevance is over all items. Every error goes to a JSON-lines file
(``--errors``, default benchmarks/out/eval_errors.jsonl) with what caused it: the term,
its rule, the matched words and the sentence, so a lexicon editor can work through it.

    .venv/bin/python benchmarks/eval_signal.py [--corpora PATH] [--labels PATH]
        [--lexicons DIR] [--errors PATH]

Without the corpora it says so and exits 0 (there is nothing to measure).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import eval_corpora  # noqa: E402
import eval_labels  # noqa: E402
from eval_metrics import auc, prf, tone_of  # noqa: E402
from eval_score import make_scorer  # noqa: E402

GOALS = {
    "relevance_f1": 0.95, "micro_f1": 0.80, "category_precision": 0.70,
    "actor_recall": 0.90, "actor_precision": 0.90, "auc_high_low": 0.95,
    "auc_high_medium": 0.80, "tone": 0.75, "other_language_terms": 0,
}
SCORED_LANGUAGES = ("en", "km")


def _sentence(sents: list[str], index: int) -> str:
    return sents[index] if 0 <= index < len(sents) else ""


def _match_detail(m, sents: list[str]) -> dict:
    """A term match as the editor needs it: every field the scorer gives (so rules the
    scorer adds later show up too) plus the sentence it was found in."""
    d = asdict(m)
    d.setdefault("rule", "lexicon term")
    d["sentence"] = _sentence(sents, m.sentence_index)
    return d


def evaluate(labels: list[dict], records: dict, score, facts) -> tuple[dict, list[dict]]:
    """(figures, errors) for the labelled items whose text was found."""
    errors: list[dict] = []
    rel = Counter()  # tp, fp, fn
    cat = defaultdict(Counter)
    act = Counter()
    risk_scores = defaultdict(list)
    tone = Counter()
    tone_by_cat = defaultdict(Counter)
    tone_pairs = Counter()  # (label, scored)
    other = Counter()
    by_language = defaultdict(Counter)
    for label in labels:
        record = records.get((label["source"], label["locator"]))
        if record is None:
            errors.append({"kind": "text not found", **_where(label)})
            continue
        title, text = eval_corpora.scored_text(record)
        result, sents = score(title, text, record.published)
        where = _where(label) | {"title": title}
        gold = label["relevant"]
        by_language[label["language"]]["right" if result.relevant == gold else "wrong"] += 1
        if label["language"] not in SCORED_LANGUAGES:
            other["total"] += 1
        if result.relevant and gold:
            rel["tp"] += 1
        elif result.relevant != gold:
            rel["fp" if result.relevant else "fn"] += 1
            errors.append({"kind": "false relevant" if result.relevant else "missed relevant",
                           **where, "relevance_terms": list(result.relevance_terms)})
        if label["language"] not in SCORED_LANGUAGES and result.term_matches:
            other["items"] += 1
            errors.append({"kind": "term in other language", **where,
                           "language": label["language"],
                           "matches": [_match_detail(m, sents) for m in result.term_matches]})
        if not gold:
            continue
        by_cat = defaultdict(list)  # the categories the scorer says the article reports
        for m in result.term_matches:
            if m.category in result.category_points:
                by_cat[m.category].append(m)
        _categories(label, by_cat, sents, where, cat, errors)
        _actors(label, result, sents, facts, where, act, errors)
        if result.risk_score is not None:  # None: a language without term lists
            risk_scores[label["risk"]].append(result.risk_score)
        if label["language"] == "en" and label["tone"] and result.sentiment is not None:
            scored_tone = tone_of(result.sentiment)
            hit = scored_tone == label["tone"]
            tone["agree" if hit else "n"] += 1
            tone_pairs[(label["tone"], scored_tone)] += 1
            for c in label["categories"] or ["(none)"]:
                tone_by_cat[c]["agree" if hit else "n"] += 1
            if not hit:
                errors.append({"kind": "tone", **where, "label": label["tone"],
                               "sentiment": result.sentiment})
    figures = {"relevance": rel, "categories": cat, "actors": act,
               "risk": risk_scores, "tone": tone, "tone_by_category": tone_by_cat,
               "tone_pairs": tone_pairs,
               "other_language_items": other["items"], "other_language_total": other["total"],
               "relevance_by_language": by_language}
    return figures, errors


def _where(label: dict) -> dict:
    return {"url": label["url"], "source": label["source"], "locator": label["locator"]}


def _categories(label, by_cat, sents, where, cat, errors) -> None:
    gold = set(label["categories"])
    for c in sorted(gold | set(by_cat)):
        if c in gold and c in by_cat:
            cat[c]["tp"] += 1
        elif c in by_cat:
            cat[c]["fp"] += 1
            errors.append({"kind": "false category", **where, "category": c,
                           "terms": sorted({m.term for m in by_cat[c]}),
                           "matches": [_match_detail(m, sents) for m in by_cat[c]]})
        else:
            cat[c]["fn"] += 1
            errors.append({"kind": "missed category", **where, "category": c})


def _actors(label, result, sents, facts, where, act, errors) -> None:
    gold = set(label["actors"])
    found: dict[str, list] = defaultdict(list)
    for m in result.actor_mentions:
        if m.actor in facts.cambodian:
            found[m.actor].append(m)
    for name in sorted(gold | set(found)):
        if name in gold and name in found:
            act["tp"] += 1
        elif name in found:
            act["fp"] += 1
            errors.append({"kind": "false actor", **where, "actor": name,
                           "aliases": sorted({m.alias for m in found[name]}),
                           "sentence": _sentence(sents, found[name][0].sentence_index)})
        else:
            act["fn"] += 1
            errors.append({"kind": "missed actor", **where, "actor": name,
                           "in_lexicon": name in facts.actors})


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.2f}"


def report(
    figures: dict, n_items: int, n_missing: int, name: str = "Development set"
) -> list[str]:
    """The printed table, one figure per line with its goal; ``name`` says which label set."""
    lines = [f"{name}: {n_items} items scored"
             + (f", {n_missing} texts NOT FOUND" if n_missing else "")]
    p, r, f = prf(figures["relevance"])
    lines.append(f"Relevance        P {_fmt(p)}  R {_fmt(r)}  F1 {_fmt(f)}"
                 f"   goal F1 >= {GOALS['relevance_f1']:.2f}")
    lines.append("Risk categories (items labelled relevant)")
    total = Counter()
    for c in sorted(figures["categories"]):
        counts = figures["categories"][c]
        total.update(counts)
        cp, cr, _ = prf(counts)
        lines.append(f"  {c:<22} P {_fmt(cp)}  R {_fmt(cr)}   "
                     f"(tp {counts['tp']}, fp {counts['fp']}, fn {counts['fn']})"
                     f"   goal P >= {GOALS['category_precision']:.2f}")
    p, r, f = prf(total)
    lines.append(f"  {'micro-average':<22} P {_fmt(p)}  R {_fmt(r)}  F1 {_fmt(f)}"
                 f"   goal F1 >= {GOALS['micro_f1']:.2f}")
    p, r, _ = prf(figures["actors"])
    a = figures["actors"]
    lines.append(f"Actors (Cambodian) P {_fmt(p)}  R {_fmt(r)}   (tp {a['tp']}, fp {a['fp']}, "
                 f"fn {a['fn']})   goal P >= {GOALS['actor_precision']:.2f}, "
                 f"R >= {GOALS['actor_recall']:.2f}")
    risk = figures["risk"]
    hl, hm = auc(risk["high"], risk["low"]), auc(risk["high"], risk["medium"])
    lines.append(f"Risk AUC  high vs low {_fmt(hl)}   goal >= {GOALS['auc_high_low']:.2f}"
                 f"   (high {len(risk['high'])}, medium {len(risk['medium'])}, "
                 f"low {len(risk['low'])})")
    lines.append(f"          high vs medium {_fmt(hm)}   goal >= {GOALS['auc_high_medium']:.2f}")
    t = figures["tone"]
    n = t["agree"] + t["n"]
    lines.append(f"Tone agreement (English) {_fmt(t['agree'] / n if n else None)}   "
                 f"({t['agree']}/{n})   goal >= {GOALS['tone']:.2f}")
    wrong = [(pair, k) for pair, k in figures["tone_pairs"].most_common() if pair[0] != pair[1]]
    lines.append("  disagreements (label -> scored): "
                 + ", ".join(f"{a} -> {b} {k}" for (a, b), k in wrong))
    for c in sorted(figures["tone_by_category"]):
        tc = figures["tone_by_category"][c]
        n = tc["agree"] + tc["n"]
        lines.append(f"  {c:<22} {_fmt(tc['agree'] / n)}   ({tc['agree']}/{n})")
    lines.append(f"Other-language items with an English or Khmer risk term: "
                 f"{figures['other_language_items']} of {figures['other_language_total']}"
                 f"   goal {GOALS['other_language_terms']}")
    langs = figures["relevance_by_language"]
    lines.append("Relevance right by language: " + ", ".join(
        f"{code} {c['right']}/{c['right'] + c['wrong']}" for code, c in sorted(langs.items())))
    return lines


def patterns(errors: list[dict], top: int = 8) -> list[str]:
    """The commonest causes, so the lexicon editor knows where to start."""
    terms = Counter()
    for e in errors:
        if e["kind"] == "false category":
            terms.update(f"{t} ({e['category']})" for t in e["terms"])
    missed = [e for e in errors if e["kind"] == "missed actor"]
    unlisted = sum(1 for e in missed if not e["in_lexicon"])
    false_actors = Counter(e["actor"] for e in errors if e["kind"] == "false actor")
    return [
        "Terms behind most false categories: "
        + ", ".join(f"{t} {n}" for t, n in terms.most_common(top)),
        f"Missed actors: {len(missed)}, of which {unlisted} are not in actors.toml",
        "Most frequent false actors: "
        + ", ".join(f"{a} {n}" for a, n in false_actors.most_common(5)),
    ]


def _set_name(path: Path) -> str:
    """How the header names the label file: the two known sets by role, others by path."""
    if path.resolve() == eval_labels.LABELS.resolve():
        return "Development set"
    if path.resolve() == eval_labels.HELDOUT.resolve():
        return "Held-out set"
    return f"Label set {path}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", type=Path, default=eval_corpora.default_corpora(),
                    help="the shared corpora directory (default ../shared/corpora, "
                         f"or ${eval_corpora.CORPORA_ENV})")
    ap.add_argument("--labels", type=Path, default=eval_labels.LABELS)
    ap.add_argument("--lexicons", type=Path, default=eval_corpora.ROOT / "data" / "lexicons")
    ap.add_argument("--errors", type=Path,
                    default=eval_corpora.ROOT / "benchmarks" / "out" / "eval_errors.jsonl")
    args = ap.parse_args(argv)
    if not args.corpora.is_dir():
        print(f"skipped: corpora not found at {args.corpora} "
              f"(pass --corpora PATH or set {eval_corpora.CORPORA_ENV})")
        return 0
    try:
        labels = eval_labels.load(args.labels)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    records = eval_corpora.find(args.corpora, {(x["source"], x["locator"]) for x in labels})
    score, facts = make_scorer(args.lexicons)
    figures, errors = evaluate(labels, records, score, facts)
    missing = sum(1 for e in errors if e["kind"] == "text not found")
    table = report(figures, len(labels) - missing, missing, _set_name(args.labels))
    print("\n".join(table + patterns(errors)))
    args.errors.parent.mkdir(parents=True, exist_ok=True)
    with args.errors.open("w", encoding="utf-8") as f:
        for e in errors:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
    kinds = Counter(e["kind"] for e in errors)
    print(f"{len(errors)} errors written to {args.errors}: "
          + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
