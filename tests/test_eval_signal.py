"""The development and held-out sets behind benchmarks/eval_signal.py: their labels are
valid, the two sets share no item, and every labelled text can be found again in
../shared/corpora (the texts are never stored in the project)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import eval_corpora  # noqa: E402
import eval_labels  # noqa: E402
import eval_metrics  # noqa: E402
import eval_signal  # noqa: E402

CORPORA = eval_corpora.default_corpora()
needs_corpora = pytest.mark.skipif(
    not CORPORA.is_dir(),
    reason=f"corpora not found at {CORPORA} (set {eval_corpora.CORPORA_ENV})",
)


@pytest.fixture(scope="module")
def labels() -> list[dict]:
    return eval_labels.load()


@pytest.fixture(scope="module")
def heldout() -> list[dict]:
    return eval_labels.load(eval_labels.HELDOUT)


def test_labels_are_valid_and_enough(labels):
    assert len(labels) >= 300
    urls = [x["url"] for x in labels]
    assert len(set(urls)) == len(urls)
    known = eval_labels.category_ids()
    assert {c for x in labels for c in x["categories"]} <= known
    # the set covers what the guide promises
    languages = {x["language"] for x in labels}
    assert {"en", "km"} < languages and len(languages) >= 5
    assert any(not x["relevant"] and x["language"] == "km" for x in labels)
    assert any("near-miss" in x["tags"] for x in labels)


def test_heldout_is_valid_and_apart_from_the_development_set(labels, heldout):
    # load() already refused bad fields, unknown categories and repeated URLs
    assert len(heldout) >= 100
    dev_urls = {x["url"] for x in labels}
    dev_keys = {(x["source"], x["locator"]) for x in labels}
    assert not [x["url"] for x in heldout if x["url"] in dev_urls]
    assert not [x["url"] for x in heldout if (x["source"], x["locator"]) in dev_keys]
    languages = {x["language"] for x in heldout}
    assert {"en", "km"} < languages and len(languages) >= 5
    assert any(x["relevant"] for x in heldout) and any(not x["relevant"] for x in heldout)


def test_a_bad_label_is_refused(tmp_path, labels):
    good = dict(labels[0])
    bad = [
        {**good, "categories": ["weather"]},
        {**good, "risk": "severe"},
        {**good, "relevant": "yes"},
        {**good, "actors": [" Hun Sen"]},
        {k: v for k, v in good.items() if k != "tone"},
        {**good, "source": "somewhere/else.json"},
        {**good, "relevant": False, "categories": ["arrests_legal"]},
    ]
    known = eval_labels.category_ids()
    for label in bad:
        assert eval_labels.problems(label, known), label
    assert eval_labels.problems(good, known) == []

    repeated = tmp_path / "labels.jsonl"
    repeated.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: url repeats line 1"):
        eval_labels.load(repeated)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1: not JSON"):
        eval_labels.load(broken)


@needs_corpora
@pytest.mark.corpora
@pytest.mark.parametrize("which", ["labels", "heldout"])
def test_every_labelled_text_is_in_the_corpora(which, request):
    labels = request.getfixturevalue(which)
    wanted = {(x["source"], x["locator"]) for x in labels}
    found = eval_corpora.find(CORPORA, wanted)
    missing = sorted(wanted - set(found))
    assert not missing, f"{len(missing)} texts not found, e.g. {missing[:3]}"
    for x in labels:
        record = found[(x["source"], x["locator"])]
        assert record.url == x["url"], x["locator"]
        title, text = eval_corpora.scored_text(record)
        assert title or text, x["url"]
        assert len(text) <= eval_corpora.TEXT_CHARS


def test_auc_and_prf_by_hand():
    assert eval_metrics.auc([3, 2], [1, 0]) == 1.0
    assert eval_metrics.auc([1], [1]) == 0.5
    assert eval_metrics.auc([0, 2], [1]) == 0.5
    assert eval_metrics.auc([], [1]) is None
    assert eval_metrics.prf({"tp": 3, "fp": 1, "fn": 3}) == (0.75, 0.5, 0.6)
    assert eval_metrics.prf({"fn": 2}) == (None, 0.0, None)
    assert eval_metrics.tone_of(0.05) == "positive"
    assert eval_metrics.tone_of(-0.2) == "negative"
    assert eval_metrics.tone_of(0.0) == "neutral"


def test_benchmark_skips_without_corpora(tmp_path, capsys):
    assert eval_signal.main(["--corpora", str(tmp_path / "absent")]) == 0
    assert "skipped: corpora not found" in capsys.readouterr().out
