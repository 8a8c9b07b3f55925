"""``dashboard.data``: the lexicon folder the dashboard reads, and what it takes from it.

The dashboard must read the lexicons the CLI scored with: the same folder setting
(``CAMBODIA_RISK_LEXICONS``, the CLI's ``--lexicons``), the category list and labels
from the loaded lexicon, and the scorer's own VADER for the evidence view's sentences.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from dashboard import data
from feeds import config
from feeds.lexicon import load_lexicons
from feeds.score import score_article

PROJECT_LEXICONS = Path(config.LEXICON_DIR)
SENTENCE = "Hun Manet opened the festival in Phnom Penh."


@pytest.fixture()
def custom_dir(tmp_path, monkeypatch):
    """A copy of the project's lexicons, chosen the way an operator chooses it."""
    folder = tmp_path / "lexicons"
    shutil.copytree(PROJECT_LEXICONS, folder)
    monkeypatch.setenv(config.ENV_LEXICONS, str(folder))
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    time.sleep(0.01)  # a new modification time, even on coarse file systems
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_folder_setting_is_the_clis(monkeypatch, tmp_path):
    monkeypatch.delenv(config.ENV_LEXICONS, raising=False)
    assert data.lexicon_dir() == PROJECT_LEXICONS
    monkeypatch.setenv(config.ENV_LEXICONS, "")  # empty counts as unset, as with click
    assert data.lexicon_dir() == PROJECT_LEXICONS
    monkeypatch.setenv(config.ENV_LEXICONS, str(tmp_path))
    assert data.lexicon_dir() == tmp_path


def test_categories_and_labels_come_from_the_loaded_lexicon(custom_dir):
    expected = load_lexicons(PROJECT_LEXICONS).category_labels
    assert data.category_labels() == expected
    _edit(custom_dir / "terms.toml", 'label = "Security & military"', 'label = "Armed forces"')
    labels = data.category_labels()
    assert labels["security_military"] == "Armed forces"  # follows an edit
    assert set(labels) == set(expected)


def test_a_broken_lexicon_folder_gives_no_labels_and_no_recomputed_sentiment(custom_dir):
    (custom_dir / "terms.toml").write_text("not toml [", encoding="utf-8")
    assert data.lexicons() is None
    assert data.category_labels() == {}
    assert data.sentence_sentiment_fn("en") is None


def test_a_missing_lexicon_folder_is_no_crash(monkeypatch, tmp_path):
    monkeypatch.setenv(config.ENV_LEXICONS, str(tmp_path / "nowhere"))
    assert data.category_labels() == {}
    assert data.sentence_sentiment_fn("en") is None


def test_evidence_sentiment_matches_what_the_scorer_stored_with_a_custom_folder(
    custom_dir, monkeypatch
):
    """With a sentiment override in a custom folder, the sentence sentiment the
    evidence view recomputes equals the one the scorer stored for that sentence, and
    differs from what the project's own lexicons would give."""
    _edit(custom_dir / "sentiment.toml", "\n[words]\n", "\n[words]\nfestival = -3.0\n")
    stored = score_article(SENTENCE, "", load_lexicons(custom_dir))
    mention = next(m for m in stored.actor_mentions if m.actor == "Hun Manet")
    assert mention.sentiment is not None and mention.sentiment < -0.3

    shown = data.sentence_sentiment_fn("en")
    assert shown is not None
    assert shown(SENTENCE) == pytest.approx(mention.sentiment)

    # Without the setting, both sides use the project's folder, where "festival" is
    # a happy word: the setting is what made the difference.
    default = score_article(SENTENCE, "", load_lexicons(PROJECT_LEXICONS))
    assert default.actor_mentions[0].sentiment > 0.3
    monkeypatch.delenv(config.ENV_LEXICONS)
    assert data.sentence_sentiment_fn("en")(SENTENCE) == pytest.approx(
        default.actor_mentions[0].sentiment
    )


def test_only_english_sentences_are_recomputed(custom_dir):
    assert data.sentence_sentiment_fn("km") is None
    assert data.sentence_sentiment_fn(None) is None
