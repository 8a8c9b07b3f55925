"""Relevance, language detection and sentence splitting."""

from __future__ import annotations

import pytest

from feeds.score import detect_language, score_article, sentences
from feeds.score.segment import MAX_SENTENCE


def verdict(lex, text: str, title: str = "", **kw):
    score = score_article(title, text, lex, **kw)
    return score.relevant, score.relevance_terms


def test_cambodia_anywhere_is_relevant(lex):
    assert verdict(lex, "Regional leaders met in Jakarta. Cambodia sent a minister.") == (
        True,
        ["Cambodia"],
    )
    assert verdict(lex, "", title="Cambodian exports rise")[0]
    assert verdict(lex, "A Khmer Rouge history exhibition opened in Paris.")[0]


def test_every_province_and_border_crossing_is_relevant(lex):
    for place in lex.places:
        if place.kind in ("province", "capital", "border_crossing", "town"):
            for name in (place.name, *place.aliases):
                relevant, terms = verdict(lex, f"Heavy rain fell in {name} on Monday.")
                assert relevant and place.name in terms, (name, terms)


def test_cambodian_actor_alone_is_relevant(lex):
    assert verdict(lex, "Hun Manet met the visiting delegation.") == (True, ["Hun Manet"])
    assert verdict(lex, "Samdech Techo spoke for two hours.") == (True, ["Hun Sen"])


def test_foreign_only_news_is_not_relevant(lex):
    assert verdict(lex, "Thailand's prime minister Anutin met business leaders.") == (False, [])
    assert verdict(lex, "The US Senate and the Supreme Court clashed over tariffs.") == (
        False,
        [],
    )
    assert verdict(lex, "The CPP rebels attacked a village in Mindanao.") == (False, [])


def test_generic_names_and_acronyms_only_support(lex):
    relevant, terms = verdict(lex, "The NEC said the CPP had registered its candidates.")
    assert relevant
    assert set(terms) == {"National Election Committee", "Cambodian People's Party"}
    assert verdict(lex, "The Senate met on Tuesday.") == (False, [])
    assert verdict(lex, "The Senate and the National Assembly met on Tuesday.")[0]


def test_khmer_script_is_relevant(lex):
    relevant, terms = verdict(lex, "ព័ត៌មានថ្មី")
    assert relevant and terms == ["khmer-script"]
    relevant, terms = verdict(lex, "ភ្លៀងធ្លាក់នៅភ្នំពេញ។")
    assert relevant and terms == ["Phnom Penh", "khmer-script"]


def test_always_relevant_feed(lex):
    assert verdict(lex, "Weather in Tokyo.", always_relevant=True) == (
        True,
        ["feed:always_relevant"],
    )


# --- language -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,declared,expected",
    [
        ("ប៉ូលិសបានចាប់ខ្លួនមនុស្សបីនាក់ in Phnom Penh", None, "km"),
        ("ប៉ូលិសបានចាប់ខ្លួនមនុស្សបីនាក់", "en", "km"),  # mostly Khmer wins
        ("Police arrested three people.", "en-US", "en"),
        ("Police arrested three people.", "EN_gb", "en"),
        ("La police a arrêté trois personnes.", "fr", "fr"),
        ("The police said that the suspects were arrested on Monday.", None, "en"),
        ("Hun Sen to step down", None, "en"),
        ("La police a arrêté trois personnes hier soir.", None, None),
        ("Polisi menangkap tiga orang di Phnom Penh kemarin.", None, None),
        ("The police said it was over.", "km", "en"),  # no Khmer script at all
        ("", None, None),
        ("12345 !!!", None, None),
        ("Police said so.", "english", "en"),  # not a language code: ignored
    ],
)
def test_detect_language(text, declared, expected):
    assert detect_language(text, declared) == expected


# --- sentences ------------------------------------------------------------------------


def test_title_is_sentence_zero():
    assert sentences("A title", "First one. Second one.") == [
        "A title",
        "First one.",
        "Second one.",
    ]
    assert sentences("", "Only text.") == ["Only text."]
    assert sentences("  \n ", "") == []


def test_abbreviations_initials_and_lowercase_continuations():
    text = (
        "Mr. Hun met Gen. Tea Banh in the U.S. Embassy. It cost 3.5 million. "
        "Really? he asked. No. 5 was next. Then H.E. Sok spoke!"
    )
    assert sentences("", text) == [
        "Mr. Hun met Gen. Tea Banh in the U.S. Embassy.",
        "It cost 3.5 million.",
        "Really? he asked.",
        "No. 5 was next.",
        "Then H.E. Sok spoke!",
    ]


def test_paragraphs_quotes_and_hard_wraps():
    text = '"We will stay," he said.\n"No."\nThe line goes on\nacross a wrap.\n\nNew paragraph'
    assert sentences("", text) == [
        '"We will stay," he said.',
        '"No."',
        "The line goes on across a wrap.",
        "New paragraph",
    ]


def test_khmer_sentences():
    text = "ប៉ូលិសបានចាប់ខ្លួនបុរសម្នាក់។ គាត់ត្រូវបានដោះលែង៕ហេតុអ្វី?យើងមិនដឹងទេ"
    assert sentences("", text) == [
        "ប៉ូលិសបានចាប់ខ្លួនបុរសម្នាក់។",
        "គាត់ត្រូវបានដោះលែង៕",
        "ហេតុអ្វី?",
        "យើងមិនដឹងទេ",
    ]


def test_cleaning_controls_and_invisible_characters():
    assert sentences("Ti\x00tle", "A\u200bB\u00adC. Next\x07 one.") == [
        "Ti tle",
        "ABC.",
        "Next one.",
    ]


def test_very_long_sentences_are_cut():
    long = "word " * 1000
    parts = sentences("", long)
    assert all(len(p) <= MAX_SENTENCE for p in parts)
    assert " ".join(parts) == long.strip()
    assert sentences("", "x" * 2000) == ["x" * MAX_SENTENCE] * 2 + ["x" * 400]


def test_sentences_are_deterministic():
    text = "One. Two? Three! ប៉ូលិស។ Four."
    assert sentences("T", text) == sentences("T", text)
