"""Risk-term matching on the real lexicon files, and the risk formula.

Every category needs at least one English and one Khmer example sentence below, and
every exclusion in terms.toml needs an example in which it stops its term: adding a
category or an exclusion without examples fails these tests on purpose.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from feeds.score import risk, score_article, sentences
from feeds.score.results import TermMatch

DOCS = Path(__file__).resolve().parent.parent / "docs" / "scoring.md"


def matches(lex, text: str, title: str = "") -> list[TermMatch]:
    return score_article(title, text, lex, language="en").term_matches


def terms_in(lex, text: str) -> set[tuple[str, str]]:
    return {(m.category, m.term) for m in matches(lex, text)}


# (language, sentence, term expected to match in the category)
CATEGORY_EXAMPLES: dict[str, list[tuple[str, str, str]]] = {
    "security_military": [
        ("en", "Thai and Cambodian troops exchanged gunfire near the border.", "troop"),
        ("en", "Artillery shelling forced villagers to evacuate on Tuesday.", "shelling"),
        ("en", "A landmine wounded two soldiers in Oddar Meanchey.", "land-mine"),
        ("km", "ទាហានថៃបាញ់ប្រហារនៅព្រំដែន។", "soldier"),
        ("km", "កងទ័ពបានដាក់ពង្រាយនៅតាមព្រំដែន។", "deploy"),
    ],
    "sanctions_trade": [
        ("en", "Washington imposed sanctions on two senior generals.", "sanction"),
        ("en", "The EU partially withdrew EBA preferences in 2020.", "Everything But Arms"),
        ("en", "The trade war hit garment exports.", "trade war"),
        ("km", "សហរដ្ឋអាមេរិកដាក់ទណ្ឌកម្មលើមន្ត្រីពីរនាក់។", "sanction"),
        ("km", "រដ្ឋាភិបាលបានបិទច្រកព្រំដែនទាំងអស់។", "border closure"),
    ],
    "arrests_legal": [
        ("en", "Police arrested three activists on Monday.", "arrest"),
        ("en", "He was jailed for five years last week.", "jail"),
        ("en", "The former leader remains under house arrest.", "house arrest"),
        ("km", "ប៉ូលិសបានចាប់ខ្លួនសកម្មជនបីនាក់។", "arrest"),
        ("km", "គាត់ត្រូវបានដាក់ពន្ធនាគារកាលពីម្សិលមិញ។", "prison"),
        ("km", "សមត្ថកិច្ចបានឃាត់ខ្លួនជនសង្ស័យពីរនាក់។", "detain"),
    ],
    "unrest_protest": [
        ("en", "Garment workers went on strike over unpaid wages.", "strike"),
        ("en", "Police used tear gas to disperse the protesters.", "tear-gas"),
        ("en", "Police launched a crack-down on the protesters.", "crack-down"),
        ("km", "កម្មករធ្វើកូដកម្មនៅមុខរោងចក្រ។", "strike"),
        ("km", "សមត្ថកិច្ចបានបង្ក្រាបបាតុកម្ម។", "crack-down"),
    ],
    "political_crisis": [
        ("en", "The opposition leader was accused of treason.", "treason"),
        ("km", "មេដឹកនាំបក្សប្រឆាំងត្រូវបានចោទពីបទក្បត់ជាតិ។", "treason"),
        ("en", "The Supreme Court dissolved the main opposition party.", "dissolve"),
        ("en", "The army denied any plan to stage a coup.", "coup"),
        ("en", "Rights groups described years of repression.", "repression"),
        ("en", "He has lived in self-imposed exile since 2015.", "self-exile"),
        ("km", "តុលាការកំពូលបានរំលាយគណបក្សប្រឆាំង។", "dissolve"),
        ("km", "ពួកគេត្រូវបានចោទថារៀបចំរដ្ឋប្រហារ។", "coup"),
    ],
    "land_labour": [
        ("en", "Hundreds of families face eviction from the lake.", "eviction"),
        ("en", "The factory laid off two thousand workers.", "lay-off"),
        ("en", "Villagers accused the company of a land grab.", "land-grab"),
        ("km", "ពលរដ្ឋជាច្រើនគ្រួសារត្រូវបានបណ្តេញចេញពីដីរបស់ពួកគេ។", "evict"),
        ("km", "ជម្លោះដីធ្លីនៅខេត្តនេះនៅតែបន្ត។", "land dispute"),
    ],
    "media_civil_society": [
        ("en", "The ministry revoked the outlet's licence.", "revoke"),
        ("en", "The authorities launched a crack-down on dissent.", "crack-down"),
        ("en", "Journalists complained of harassment and censorship.", "harass"),
        ("en", "Rights groups warned about online surveillance.", "surveillance"),
        ("km", "ក្រសួងបានដកហូតអាជ្ញាប័ណ្ណរបស់វិទ្យុឯករាជ្យ។", "revoke"),
        ("km", "សកម្មជនបាននិយាយអំពីការគំរាមកំហែង។", "intimidate"),
    ],
    "crime_corruption": [
        ("en", "Police raided a scam compound in Sihanoukville.", "scam compound"),
        ("en", "The official was accused of bribery and money laundering.", "money laundering"),
        ("en", "Victims of human trafficking were rescued.", "human trafficking"),
        ("km", "ប៉ូលិសបានបង្ក្រាបការជួញដូរមនុស្សនៅព្រំដែន។", "human trafficking"),
        ("km", "មន្ត្រីនោះត្រូវបានចោទពីបទពុករលួយ។", "corruption"),
        ("km", "ក្រុមនោះឆបោកតាមប្រព័ន្ធបច្ចេកវិទ្យា។", "scam"),
    ],
}

# term -> {exclusion as written in terms.toml: example sentence where it applies}
EXCLUSION_EXAMPLES: dict[str, dict[str, str]] = {
    "protest": {
        "diplomatic protest": "The ministry lodged a diplomatic protest with its neighbour.",
        "formal protest": "The embassy sent a formal protest over the incident.",
        "protest note": "A protest note was handed to the ambassador.",
        "letter of protest": "The ministry sent a letter of protest to Bangkok.",
        "protest letter": "The government sent a protest letter on Monday.",
        "note of protest": "A note of protest was delivered to the embassy.",
        "លិខិតតវ៉ា": "ក្រសួងបានផ្ញើលិខិតតវ៉ាទៅប្រទេសជិតខាង។",
        "តវ៉ាតាមលិខិត": "រដ្ឋាភិបាលបានតវ៉ាតាមលិខិតទៅភាគីម្ខាងទៀត។",
        "កំណត់ទូតតវ៉ា": "ក្រសួងបានផ្ញើកំណត់ទូតតវ៉ាទៅស្ថានទូត។",
        "តវ៉ាតាមរយៈលិខិត": "ក្រសួងបានតវ៉ាតាមរយៈលិខិតផ្លូវការ។",
    },
    "troop": {
        "troop of monkeys": "A troop of monkeys raided the market stalls.",
        "troop of macaques": "A troop of macaques lives near Angkor Wat.",
    },
    "clash": {
        "clash of cultures": "The film explores a clash of cultures.",
        "scheduling clash": "The minister stayed away because of a scheduling clash.",
    },
    "shooting": {
        "film shooting": "The film shooting in Kampot ended on Friday.",
        "shooting range": "A new shooting range opened to tourists.",
        "បាញ់ថ្នាំ": "កសិករបាញ់ថ្នាំលើស្រូវ។",
        "បាញ់កាំជ្រួច": "ក្មេងៗបាញ់កាំជ្រួចនៅពេលយប់។",
        "ទៀ បាញ់": "ទៀ បាញ់ បានចូលរួមពិធី។",
    },
    "rocket": {"prices rocket": "Fuel prices rocket after the holiday."},
    "mobilise": {
        "mobilise resources": "The ministry will mobilise resources for schools.",
        "mobilise funds": "Donors pledged to mobilize funds for the hospital.",
        "mobilise revenue": "The tax department mobilised revenue faster than planned.",
    },
    "kill": {
        "kill time": "Passengers played cards to kill time.",
        "សម្លាប់មេរោគ": "មន្ទីរពេទ្យបានសម្លាប់មេរោគក្នុងបន្ទប់។",
    },
    "wound": {
        "wound up": "The company was wound up last year.",
        "wound down": "The project wound down in March.",
    },
    "explosion": {
        "ផ្ទុះជំងឺ": "មានការផ្ទុះជំងឺគ្រុនឈាមនៅភូមិ។",
        "ផ្ទុះបាតុកម្ម": "កាលពីព្រឹកមិញ មានការផ្ទុះបាតុកម្មនៅមុខរោងចក្រ។",
        "ផ្ទុះការតវ៉ា": "ក្រោយការប្រកាសនោះ ក៏មានការផ្ទុះការតវ៉ាពីអ្នកលក់ដូរ។",
        "ផ្ទុះកូដកម្ម": "មានការផ្ទុះកូដកម្មនៅរោងចក្រមួយ។",
    },
    "weapon": {
        "អាវុធហត្ថ": "កងរាជអាវុធហត្ថបានចូលរួមពិធី។",
        "ប្រដាប់អាវុធ": "កងកម្លាំងប្រដាប់អាវុធបានចូលរួមពិធីបុណ្យជាតិ។",
    },
    "crack-down": {
        "បង្ការបង្ក្រាប": "នាយកដ្ឋានបង្ការបង្ក្រាបបទល្មើសបានប្រជុំ។",
    },
    "war": {
        "price war": "Telecom firms are locked in a price war.",
        "world war": "He was born after the Second World War.",
        "war on drugs": "The minister praised the war on drugs.",
        "drug war": "The drug war in the region claimed many lives.",
        "war on drug": "He backed a war on drug dealers.",
        "សង្គ្រាមប្រឆាំងថ្នាំញៀន": "គេរិះគន់សង្គ្រាមប្រឆាំងថ្នាំញៀននៅប្រទេសមួយ។",
        "សង្គ្រាមប្រឆាំងគ្រឿងញៀន": "រដ្ឋាភិបាលប្រកាសសង្គ្រាមប្រឆាំងគ្រឿងញៀន។",
        "សង្គ្រាមលោក": "គាត់កើតក្រោយសង្គ្រាមលោកលើកទីពីរ។",
        "សង្គ្រាមចិត្តសាស្ត្រ": "នោះជាសង្គ្រាមចិត្តសាស្ត្ររបស់ក្រុមក្បត់ជាតិ។",
    },
    "arrest": {
        "cardiac arrest": "The singer died of cardiac arrest.",
        "respiratory arrest": "The patient suffered respiratory arrest.",
    },
    "charge": {
        "in charge": "She is in charge of the new project.",
        "free of charge": "Entry to the museum is free of charge.",
        "charge d'affaires": "The charge d'affaires attended the ceremony.",
        "take charge": "He will take charge of the team next month.",
        "took charge": "She took charge of the office in May.",
        "service charge": "The hotel adds a service charge to every bill.",
    },
    "trial": {
        "clinical trial": "The clinical trial starts in May.",
        "free trial": "The app offers a free trial.",
        "trial run": "The new bus line had a trial run.",
        "trial period": "Staff work a trial period of three months.",
    },
    "demonstration": {
        "product demonstration": "The company gave a product demonstration.",
        "cooking demonstration": "Chefs held a cooking demonstration at the fair.",
        "ប្រឆាំងបាតុកម្ម": "នគរបាលបានហ្វឹកហ្វឺនយុទ្ធវិធីប្រឆាំងបាតុកម្ម។",
    },
    "rally": {
        "shares rally": "Shares rallied on Friday.",
        "stocks rally": "Stocks rally as inflation eases.",
        "market rally": "Analysts expect a market rally next year.",
        "campaign rally": "The party held a campaign rally in the province.",
        "campaign rallies": "Both parties planned campaign rallies this week.",
        "election rally": "Thousands attended the final election rally.",
        "election rallies": "Election rallies drew large crowds of supporters.",
    },
    "strike": {
        "strike a deal": "The two firms hope to strike a deal.",
        "strike a balance": "The new law tries to strike a balance.",
    },
    "riot": {
        "riot of colour": "The festival was a riot of colour.",
        "riot of color": "The garden was a riot of color.",
    },
    "dissolve": {
        "dissolve in water": "The tablets dissolve in water.",
        "រំលាយអាហារ": "ក្រពះរំលាយអាហារ។",
    },
    "ban": {
        "Ban Ki-moon": "Former UN chief Ban Ki-moon visited Siem Reap.",
        "អាវុធហាមឃាត់": "ក្រុមអ្នកជំនាញបានរកឃើញសំណល់អាវុធហាមឃាត់។",
    },
    "rig": {
        "oil rig": "Workers on an oil rig were rescued.",
        "drilling rig": "A drilling rig arrived in the Gulf of Thailand.",
    },
    "surveillance": {
        "ឃ្លាំមើលសិទ្ធិមនុស្ស": "អង្គការឃ្លាំមើលសិទ្ធិមនុស្សបានចេញរបាយការណ៍។",
        "ឃ្លាំមើលការបោះឆ្នោត": "អ្នកសង្កេតការណ៍បានឃ្លាំមើលការបោះឆ្នោត។",
    },
    "fraud": {"fraud and abuse": "The minister vowed to end waste, fraud and abuse in the budget."},
    "corruption": {
        "Anti-Corruption Unit": "The Anti-Corruption Unit opened a new office.",
        "អង្គភាពប្រឆាំងអំពើពុករលួយ": "អង្គភាពប្រឆាំងអំពើពុករលួយបានបើកការិយាល័យថ្មី។",
    },
}


def _is_khmer(text: str) -> bool:
    return any("\u1780" <= c <= "\u17ff" for c in text)


def test_every_category_has_english_and_khmer_examples(lex):
    for cid in lex.categories:
        examples = CATEGORY_EXAMPLES.get(cid, [])
        langs = {lang for lang, _s, _t in examples}
        assert {"en", "km"} <= langs, f"category {cid!r} needs English and Khmer examples"
    assert set(CATEGORY_EXAMPLES) == set(lex.categories)


@pytest.mark.parametrize(
    "category,lang,sentence,term",
    [(c, lang, s, t) for c, ex in CATEGORY_EXAMPLES.items() for lang, s, t in ex],
)
def test_category_example_matches(lex, category, lang, sentence, term):
    found = matches(lex, sentence)
    assert any(m.category == category and m.term == term for m in found), found
    for m in found:
        assert sentences("", sentence)[m.sentence_index][m.start : m.end] == m.matched
        if lang == "km":
            assert _is_khmer(m.matched) or m.category != category or m.term != term


def test_every_exclusion_has_an_example(lex):
    for t in lex.terms:
        for phrase in (*t.exclude, *t.km_exclude):
            assert phrase in EXCLUSION_EXAMPLES.get(t.term, {}), (
                f"exclusion {phrase!r} of term {t.term!r} needs an example sentence"
            )


@pytest.mark.parametrize(
    "term,phrase,sentence",
    [(t, p, s) for t, ex in EXCLUSION_EXAMPLES.items() for p, s in ex.items()],
)
def test_exclusion_stops_its_term(lex, term, phrase, sentence):
    entry = next(t for t in lex.terms if t.term == term)
    assert phrase in entry.exclude or phrase in entry.km_exclude
    found = matches(lex, sentence)
    assert not [m for m in found if m.term == term], found


def test_exclusions_do_not_block_the_term_elsewhere(lex):
    found = matches(lex, "The singer had a cardiac arrest. Police arrested his manager.")
    assert [(m.term, m.matched, m.sentence_index) for m in found] == [("arrest", "arrested", 1)]
    # an exclusion covers the term's forms too
    assert not matches(lex, "Two patients had cardiac arrests.")


def test_house_arrest_is_repression_not_an_exclusion(lex):
    found = matches(lex, "Kem Sokha was sentenced to house arrest.")
    assert ("arrests_legal", "house arrest") in {(m.category, m.term) for m in found}
    assert "arrest" not in {m.term for m in found}  # the longer match wins


def test_inflections_regular_and_irregular(lex):
    for word in ("arrest", "arrests", "arrested", "arresting", "ARRESTED", "Arrested"):
        assert ("arrests_legal", "arrest") in terms_in(lex, f"Police {word} him."), word
    for word in ("banned", "banning", "bans"):
        assert ("political_crisis", "ban") in terms_in(lex, f"The party was {word} again.")
    assert ("political_crisis", "overthrow") in terms_in(lex, "Rebels overthrew the king.")
    assert ("security_military", "invasion") in terms_in(lex, "They invaded the island.")


def test_hyphen_space_and_closed_forms(lex):
    for form in ("crackdown", "crack-down", "crack down", "Crackdown"):
        got = matches(lex, f"A {form} on protesters followed.")
        assert [(m.term, m.matched) for m in got if m.term != "protester"] == [
            ("crack-down", form)
        ], form
    got = matches(lex, "Police cracked down on the protest.")
    assert [m.matched for m in got if m.term == "crack-down"] == ["cracked down"]
    assert terms_in(lex, "Three F-16 jets flew over.") >= {("security_military", "F-16")}


def test_whole_words_only(lex):
    assert not matches(lex, "The banner and the warship and the detainees' rigour.")


def test_acronym_terms_only_in_capitals(lex):
    assert ("sanctions_trade", "Everything But Arms") in terms_in(lex, "Talks on EBA resumed.")
    assert not terms_in(lex, "Eba is a name.")


def test_longest_match_wins_across_categories(lex):
    found = matches(lex, "The trade war deepened.")
    assert [(m.category, m.term) for m in found] == [("sanctions_trade", "trade war")]


def test_khmer_substring_and_cluster_boundaries(lex):
    # inside running Khmer text with no spaces
    got = matches(lex, "កាលពីម្សិលមិញប៉ូលិសចាប់ខ្លួនបុរសម្នាក់។")
    assert [(m.term, m.matched) for m in got] == [("arrest", "ចាប់ខ្លួន")]
    # a match may not end inside a cluster: ទាហាន followed by a vowel sign is not ទាហាន
    assert not [m for m in matches(lex, "ទាហានា") if m.term == "soldier"]
    # the two ways of writing subscript DA/TA are the same
    for form in ("បណ្តេញចេញ", "បណ្ដេញចេញ"):
        assert [m.term for m in matches(lex, f"គេ{form}ពួកគាត់។")] == ["evict"], form
    # spaces inside a Khmer phrase are ignored
    assert [m.matched for m in matches(lex, "ការ ចាប់ ខ្លួន")] == ["ចាប់ ខ្លួន"]


def test_offsets_point_into_the_sentence(lex):
    title = "Opposition figure arrested"
    text = "Police arrested him in Phnom Penh. He faces charges of incitement, lawyers said."
    sents = sentences(title, text)
    for m in matches(lex, text, title=title):
        assert sents[m.sentence_index][m.start : m.end] == m.matched
    assert {m.sentence_index for m in matches(lex, text, title=title)} == {0, 1, 2}


# --- risk formula ---------------------------------------------------------------------


def tm(category: str, weight: float, term: str = "x") -> TermMatch:
    return TermMatch(category, term, term, weight, 0, 0, 1)


def test_category_points_have_diminishing_returns():
    matches = [tm("a", 2.0, "p"), tm("a", 4.0, "q"), tm("a", 3.0, "r"), tm("b", 1.0)]
    assert risk.category_points(matches, {}, 1) == {
        "a": round(4.0 + 3.0 / 2 + 2.0 / 3, 4),
        "b": 1.0,
    }
    assert risk.term_points(matches) == risk.category_points(matches, {}, 1)
    ten = risk.term_points([tm("a", 3.0)] * 10)["a"]
    assert 3.0 < ten < 3.0 * 4  # more than one, far less than ten


def test_risk_score_formula_and_bounds():
    scale = risk.SCALE
    assert risk.risk_score({}, None) == 0.0
    assert risk.risk_score({"a": scale}, None) == pytest.approx(100 * (1 - math.exp(-1)), abs=0.01)
    # negative tone amplifies, positive does not
    assert risk.risk_score({"a": scale}, -1.0) == pytest.approx(
        100 * (1 - math.exp(-1.5)), abs=0.01
    )
    assert risk.risk_score({"a": scale}, 0.8) == risk.risk_score({"a": scale}, None)
    assert risk.risk_score({"a": 1e9}, -1.0) <= 100.0


def _doc_block(name: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    m = re.search(rf"<!-- worked-example:{name} -->\s*```\w*\n(.*?)```", text, re.S)
    assert m, f"docs/scoring.md lacks the worked-example:{name} block"
    return m.group(1)


def test_worked_example_in_docs(lex):
    article = _doc_block("article")
    title = re.search(r"^Title: (.*)$", article, re.M).group(1)
    text = re.search(r"^Text: (.*)$", article, re.M).group(1)
    expected = dict(
        line.split(": ", 1) for line in _doc_block("result").strip().splitlines() if line
    )
    score = score_article(title, text, lex, language="en")
    assert score.sentence_count == int(expected["sentence_count"])
    assert score.sentiment == pytest.approx(float(expected["sentiment"]), abs=5e-5)
    for category, points in score.category_points.items():
        assert points == pytest.approx(float(expected[category]), abs=5e-5), category
    assert set(score.category_points) == {
        k
        for k in expected
        if k not in ("sentence_count", "sentiment", "raw", "adjusted", "risk_score")
    }
    # the risk follows from the shown figures alone: category points and sentiment
    ranked = sorted(score.category_points.values(), reverse=True)
    raw = sum(p / rank for rank, p in enumerate(ranked, start=1))
    assert raw == pytest.approx(float(expected["raw"]), abs=5e-4)
    adjusted = raw * (1 + 0.5 * max(0.0, -score.sentiment))
    assert adjusted == pytest.approx(float(expected["adjusted"]), abs=5e-4)
    assert score.risk_score == pytest.approx(float(expected["risk_score"]), abs=0.005)
    assert score.risk_score == pytest.approx(100 * (1 - math.exp(-adjusted / 5)), abs=0.01)
