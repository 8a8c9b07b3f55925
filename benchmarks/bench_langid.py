"""Which language-identification library to use: accuracy on short titles, and speed.

Reads the development set's items (texts from ../shared/corpora, labels from
tests/eval/labels.jsonl, whose ``language`` field is the hand label) and, for each
candidate library, prints its accuracy on the titles alone, on the first 400
characters of title + text, and on what the scorer gives it (the body's lead, see
``feeds.score.language.language_sample``), and its time per item. Khmer is settled by script before
any library is asked (see feeds/score/language.py), so Khmer items are left out here.

    .venv/bin/python benchmarks/bench_langid.py [--corpora PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import eval_corpora  # noqa: E402
import eval_labels  # noqa: E402

from feeds.score.language import language_sample  # noqa: E402


def _py3langid():
    import py3langid

    def detect(text: str) -> str:
        return py3langid.classify(text)[0]

    return detect


def _lingua():
    from lingua import LanguageDetectorBuilder

    det = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()

    def detect(text: str) -> str:
        lang = det.detect_language_of(text)
        return lang.iso_code_639_1.name.lower() if lang else "?"

    return detect


def _lingua_full():
    from lingua import LanguageDetectorBuilder

    det = LanguageDetectorBuilder.from_all_languages().build()

    def detect(text: str) -> str:
        lang = det.detect_language_of(text)
        return lang.iso_code_639_1.name.lower() if lang else "?"

    return detect


def _project():
    from feeds.score.language import detect_language

    return lambda text: detect_language(text, None) or "?"


CANDIDATES = {
    "feeds.score.language": _project,  # English prose first, then py3langid
    "py3langid": _py3langid,
    "lingua (low accuracy mode)": _lingua,
    "lingua (high accuracy)": _lingua_full,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", type=Path, default=eval_corpora.default_corpora())
    args = ap.parse_args(argv)
    if not args.corpora.is_dir():
        print(f"skipped: corpora not found at {args.corpora}")
        return 0
    labels = [x for x in eval_labels.load() if x["language"] != "km"]
    records = eval_corpora.find(args.corpora, {(x["source"], x["locator"]) for x in labels})
    items = []
    for x in labels:
        r = records.get((x["source"], x["locator"]))
        if r is not None:
            title, text = eval_corpora.scored_text(r)
            items.append((x["language"], title, (title + "\n" + text)[:400],
                          language_sample(title, text)[:600]))
    print(f"{len(items)} non-Khmer items ({sum(1 for i in items if i[0] != 'en')} not English)")
    for name, make in CANDIDATES.items():
        t0 = time.perf_counter()
        detect = make()
        detect("warm up: the models load on first use")
        load = time.perf_counter() - t0
        for field, idx in (("titles", 1), ("title + lead", 2), ("scorer's sample", 3)):
            t0 = time.perf_counter()
            got = [detect(i[idx]) for i in items]
            spent = time.perf_counter() - t0
            right = sum(1 for i, g in zip(items, got, strict=True) if g == i[0])
            other = [(i, g) for i, g in zip(items, got, strict=True) if i[0] != "en"]
            right_other = sum(1 for i, g in other if g == i[0])
            en_wrong = sum(1 for i, g in zip(items, got, strict=True) if i[0] == "en" and g != "en")
            print(f"{name[:28]:28s} {field:13s} accuracy {right / len(items):.3f}  "
                  f"other languages {right_other}/{len(other)}  English mistaken {en_wrong}  "
                  f"{1e6 * spent / len(items):7.0f} us/item  (load {load:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
