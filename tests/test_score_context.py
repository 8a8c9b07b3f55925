"""Terms in context (terms.toml's rules), other languages and page furniture.

Each rule is tested on the real lexicon files, with a sentence where it fires and one
where it does not, and the rule's name is checked in the evidence (``rule``), so an
analyst can see why a term counted or did not.
"""

from __future__ import annotations

from datetime import date

import pytest

from feeds.score import score_article


def scored(lex, text: str, title: str = "", **kw):
    return score_article(title, text, lex, language=kw.pop("language", "en"), **kw)


def cats(score) -> set[tuple[str, str]]:
    return {(m.category, m.term) for m in score.term_matches}


# --- proper names ---------------------------------------------------------------------


def test_term_inside_a_capitalised_name_is_not_a_match(lex):
    s = scored(lex, "Thai troops gathered near Ban Dan village on Monday.")
    assert ("political_crisis", "ban") not in cats(s)
    assert [(v.term, v.rule) for v in s.vetoed if v.term == "ban"] == [("ban", "proper name")]
    s = scored(lex, "The US sent a Carrier Strike Group to the region.")
    assert ("unrest_protest", "strike") not in cats(s)


def test_capitalised_term_outside_a_name_still_matches(lex):
    assert ("political_crisis", "ban") in cats(scored(lex, "Ban on opposition party upheld."))
    # a headline in Title Case is not a run of names
    s = scored(lex, "", title="Government Bans Opposition Party From Election")
    assert ("political_crisis", "ban") in cats(s)


# --- requires, veto, instead ----------------------------------------------------------


def test_ban_needs_a_political_object(lex):
    assert ("political_crisis", "ban") in cats(scored(lex, "The court banned the party."))
    s = scored(lex, "Schools banned junk food and sugary drinks.")
    assert ("political_crisis", "ban") not in cats(s)
    assert any(v.term == "ban" and v.rule.startswith("veto") for v in s.vetoed)
    s = scored(lex, "But this is not the first ban in the schools.")
    assert any(v.term == "ban" and v.rule.startswith("requires") for v in s.vetoed)


def test_crackdown_counts_by_its_object(lex):
    s = scored(lex, "Police cracked down on protesters outside the factory.")
    assert ("unrest_protest", "crack-down") in cats(s)
    s = scored(lex, "The government's crackdown on journalists continued.")
    m = next(m for m in s.term_matches if m.term == "crack-down")
    assert m.category == "media_civil_society" and m.rule.startswith("instead")
    s = scored(lex, "The crackdown on the opposition party widened.")
    assert {m.category for m in s.term_matches if m.term == "crack-down"} == {"political_crisis"}
    s = scored(lex, "Police intensified their crackdown on online scams.")
    assert not [m for m in s.term_matches if m.term == "crack-down"]
    assert any(v.term == "crack-down" and v.rule == "veto: scams" for v in s.vetoed)


def test_killed_is_security_only_near_armed_violence(lex):
    s = scored(lex, "Two soldiers were killed when artillery hit the post.")
    assert ("security_military", "kill") in cats(s)
    for text in (
        "Floods killed five people in Kratie.",
        "Dengue has killed twelve children this year.",
        "The pollution killed fish in the river.",
    ):
        assert ("security_military", "kill") not in cats(scored(lex, text)), text


def test_demining_vetoes_security(lex):
    s = scored(lex, "Deminers cleared landmines and unexploded ordnance in Battambang.")
    assert not {c for c, _t in cats(s)} & {"security_military"}
    assert ("security_military", "land-mine") in cats(
        scored(lex, "A landmine wounded two soldiers in Oddar Meanchey.")
    )


def test_khmer_matches_use_the_khmer_words_of_the_lists(lex):
    s = scored(lex, "សមត្ថកិច្ចបានបង្ក្រាបបទល្មើសឆបោក។", language=None)
    assert ("unrest_protest", "crack-down") not in cats(s)
    s = scored(lex, "សមត្ថកិច្ចបានបង្ក្រាបបាតុកម្ម។", language=None)
    assert ("unrest_protest", "crack-down") in cats(s)


# --- pairs ----------------------------------------------------------------------------


def test_jailed_journalist_also_scores_media(lex):
    s = scored(lex, "Police arrested a journalist in Kampong Cham.")
    pair = [m for m in s.term_matches if m.category == "media_civil_society"]
    assert pair and pair[0].rule.startswith("pair:") and "journalist" in pair[0].rule
    s = scored(lex, "Police arrested a drug dealer in Kampong Cham.")
    assert "media_civil_society" not in {m.category for m in s.term_matches}


# --- the past -------------------------------------------------------------------------


def test_past_era_weighs_less_and_says_so(lex):
    now = scored(lex, "Soldiers killed hundreds of people in the fighting.")
    then = scored(lex, "Khmer Rouge soldiers killed hundreds of people in the fighting.")
    w_now = {m.term: m.weight for m in now.term_matches}
    w_then = {m.term: m.weight for m in then.term_matches}
    assert w_then["kill"] < w_now["kill"] / 2
    assert all("past: khmer rouge" in m.rule for m in then.term_matches)
    assert then.risk_score < now.risk_score


def test_old_year_is_the_past_relative_to_the_article_date(lex):
    text = "Troops clashed at the border in 2008."
    assert scored(lex, text, published=date(2009, 1, 1)).term_matches[0].rule == ""
    late = scored(lex, text, published=date(2025, 1, 1)).term_matches[0]
    assert late.rule == "past: 2008"


def test_a_year_in_khmer_digits_is_the_past_too(lex):
    # troops clashed at the border in the year 2008, the year written in Khmer digits
    text = "កងទ័ពបានប៉ះទង្គិចគ្នានៅព្រំដែនក្នុងឆ្នាំ២០០៨។"
    recent = scored(lex, text, language="km", published=date(2009, 1, 1)).term_matches
    assert recent and all(m.rule == "" for m in recent)
    late = scored(lex, text, language="km", published=date(2025, 1, 1)).term_matches
    assert late and all(m.rule == "past: ២០០៨" for m in late)
    assert sum(m.weight for m in late) < sum(m.weight for m in recent) / 2


# --- other languages ------------------------------------------------------------------


def test_other_languages_get_relevance_but_no_terms_and_no_risk(lex):
    for title, text in [
        ("Camboya detiene al líder opositor", "Sin embargo, el gobierno de Camboya "
         "anunció que el líder de la oposición fue detenido en Phnom Penh."),
        ("", "Chính phủ Campuchia cho biết lãnh đạo phe đối lập đã bị bắt tại thủ đô."),
        ("", "柬埔寨政府表示，反对派领导人在金边被捕。警方没有透露更多细节。"),
        ("", "تقول حكومة كمبوديا إن زعيم المعارضة اعتقل في العاصمة يوم الاثنين الماضي."),
    ]:
        s = score_article(title, text, lex, language="en")  # the feed's word is overruled
        assert s.language not in ("en", "km"), text
        assert s.relevant, text
        assert s.term_matches == [] and s.risk_score is None and s.sentiment is None


def test_unrelated_other_language_text_is_not_relevant(lex):
    s = score_article("", "Le gouvernement thaïlandais a annoncé une hausse des exportations "
                      "de riz vers la Chine.", lex)
    assert s.language == "fr" and not s.relevant


# --- page furniture -------------------------------------------------------------------


def test_page_furniture_is_not_scored(lex):
    text = (
        "Dengue cases rose sharply in Takeo province this month, health officials said.\n"
        "Related: Police raid scam compound in Sihanoukville\n"
        "Read more: Hun Sen rally draws thousands\n"
        "By Sok Chea\n"
        "https://example.org/story/123\n"
        "Subscribe to our newsletter for the latest protest updates."
    )
    s = scored(lex, text)
    assert s.term_matches == []
    assert "Hun Sen" not in {m.actor for m in s.actor_mentions}
    assert s.furniture == [1, 2, 3, 4]  # the byline and the link are one sentence
    # the sentences keep their numbers: offsets stored before still point the same way
    assert s.sentence_count == 5
    titled = scored(lex, text, title="Dengue cases rise")
    assert titled.furniture == [2, 3, 4, 5]


# --- reported categories --------------------------------------------------------------


def test_a_lone_passing_term_is_evidence_but_not_a_reported_category(lex):
    filler = " ".join(f"Paragraph {n} is about the new rice mill and its owners." for n in range(4))
    text = f"The rice mill opened in Battambang on Monday. {filler} A soldier attended."
    s = scored(lex, text, title="Rice mill opens")
    assert ("security_military", "soldier") in cats(s)  # still shown as evidence
    assert "security_military" not in s.category_points and s.risk_score == 0
    # in the title, or with enough points, it is reported
    s = scored(lex, text, title="Soldier opens rice mill")
    assert "security_military" in s.category_points
    s = scored(lex, text + " Troops clashed with smugglers and opened fire.", title="Rice mill")
    assert "security_military" in s.category_points


def test_workers_protest_also_scores_labour(lex):
    s = scored(lex, "Hundreds of factory workers held a protest over their pay on Monday.")
    labour = [m for m in s.term_matches if m.category == "land_labour"]
    assert labour and labour[0].rule.startswith("pair: workers' protest")
    s = scored(lex, "Students held a protest outside the ministry on Monday.")
    assert "land_labour" not in {m.category for m in s.term_matches}


def test_blocking_needs_something_online(lex):
    s = scored(lex, "The ministry blocked 15 independent news sites before the vote.")
    assert ("media_civil_society", "block") in cats(s)
    s = scored(lex, "Police blocked the road to the airport.")
    assert ("media_civil_society", "block") not in cats(s)


def test_harassing_the_opposition_is_political(lex):
    s = scored(lex, "Officials harassed opposition party members in Kampot.")
    assert {m.category for m in s.term_matches if m.term == "harass"} == {"political_crisis"}
    s = scored(lex, "Officials harassed journalists in Kampot.")
    assert {m.category for m in s.term_matches if m.term == "harass"} == {"media_civil_society"}


def test_a_past_reference_in_the_lead_does_not_make_a_current_story(lex):
    s = scored(lex, "Khmer Rouge soldiers killed thousands here. The museum reopened on Monday.",
               title="Museum reopens")
    assert ("security_military", "kill") in cats(s)
    assert "security_military" not in s.category_points


def test_a_party_activist_arrested_is_not_civil_society(lex):
    s = scored(lex, "Police arrested three opposition party activists in Kampong Cham.")
    assert "media_civil_society" not in {m.category for m in s.term_matches}
    assert ("arrests_legal", "arrest") in cats(s)


def test_travel_alerts_and_denied_closures_are_not_sanctions(lex):
    s = scored(lex, "Poipet remains under a Level 4 alert, which amounts to a travel ban.")
    assert ("sanctions_trade", "travel ban") not in cats(s)
    assert ("sanctions_trade", "travel ban") in cats(
        scored(lex, "Washington imposed a travel ban on two generals.")
    )
    s = scored(lex, "The government denied it had closed the border with Thailand.")
    assert ("sanctions_trade", "border closure") not in cats(s)
    s = scored(lex, "រាជរដ្ឋាភិបាលគ្មានគម្រោងបិទច្រកព្រំដែនទេ។", language=None)
    assert ("sanctions_trade", "border closure") not in cats(s)



# --- sanctions aimed at Cambodia, security beyond crime ------------------------------

# (category, term, a sentence where it counts, one where a rule stops it)
COUNTS_OR_NOT = [
    ("sanctions_trade", "sanction", "The US imposed sanctions on two Cambodian tycoons.",
     "The reporter exposed a tycoon's efforts to evade sanctions."),
    ("sanctions_trade", "sanction", "Lawmakers called for sanctions on Cambodian leaders.",
     "The report recommended sanctions against the officials."),
    ("sanctions_trade", "aid suspension",
     "The EU suspended aid over the dissolution of the opposition.",
     "Officials downplayed the aid cuts."),
    ("sanctions_trade", "boycott", "Thai shoppers boycott Cambodian goods.",
     "Thailand threatened to boycott the border talks."),
    ("sanctions_trade", "black-list", "The FATF kept the country on its blacklist.",
     "Her name was on an immigration blacklist at the airport."),
    ("security_military", "gunfire", "Thai soldiers opened gunfire on the border post.",
     "Escaping detainees exchanged gunfire with the police at the court."),
    ("security_military", "weapon", "Thai troops fired heavy weapons across the border.",
     "Police seized a knife and two weapons from the robbers."),
    ("security_military", "evacuate", "Villagers were evacuated as Thai shelling hit the border.",
     "More than 2,000 families evacuated to safe sites."),
    ("security_military", "troop", "Thai troops moved into the disputed area.",
     "The two armies signed a friendship pact between their troops."),
    ("sanctions_trade", "tariff", "The US raised tariffs on Cambodian garments.",
     "Customs revenue from import tariffs rose this year."),
    ("land_labour", "pollution", "Villagers say the gold mine polluted the river.",
     "Phnom Penh ranked high for air pollution on Friday."),
    ("land_labour", "pollution", "Waste from the factory contaminated a stream.",
     "Deminers cleared land contaminated by landmines."),
    ("land_labour", "mining site", "Officials shut down a mining company over dead fish.",
     "A new mining company opened an office in the capital."),
    ("media_civil_society", "reporting ban",
     "The ministry told reporters not to report troop moves.",
     "The victim asked police not to report her name."),
]


@pytest.mark.parametrize("category,term,counts,stopped", COUNTS_OR_NOT)
def test_context_decides_whether_a_term_counts(lex, category, term, counts, stopped):
    assert (category, term) in cats(scored(lex, counts))
    s = scored(lex, stopped)
    assert (category, term) not in cats(s)
    assert [v.rule for v in s.vetoed if v.term == term], s.vetoed  # the evidence says why


# (term, sentence, the category it counts for instead)
INSTEAD = [
    ("aid suspension", "A global aid freeze left independent media short of money.",
     "media_civil_society"),
    ("boycott", "The banned party urged voters to boycott the election.", "political_crisis"),
    ("surveillance", "Local authorities kept opposition supporters under surveillance.",
     "political_crisis"),
    ("disqualify", "The new rules could disqualify journalists and newsrooms.",
     "media_civil_society"),
]


def test_an_arrested_opposition_figure_is_also_politics(lex):
    s = scored(lex, "Police arrested a former CNRP commune chief on Monday.")
    pair = [m for m in s.term_matches if m.category == "political_crisis"]
    assert [m.rule for m in pair] == ["pair: opposition figure (cnrp)"]
    s = scored(lex, "ប៉ូលិសបានចាប់ខ្លួនសកម្មជនគណបក្សសង្គ្រោះជាតិម្នាក់។")
    assert any(m.rule.startswith("pair: opposition") for m in s.term_matches)
    s = scored(lex, "Police arrested two men for theft on Monday.")
    assert not [m for m in s.term_matches if m.category == "political_crisis"]


@pytest.mark.parametrize("term,sentence,category", INSTEAD)
def test_context_moves_a_term_to_another_category(lex, term, sentence, category):
    m = next(m for m in scored(lex, sentence).term_matches if m.term == term)
    assert (m.category, m.rule.split(":")[0]) == (category, "instead")


def test_trade_uncertainty_named_as_a_risk_is_trade(lex):
    s = scored(lex, "Growth will slow amid global trade uncertainty and protectionist measures.")
    found = [m.term for m in s.term_matches if m.category == "sanctions_trade"]
    assert found == ["trade tension", "trade tension"]


def test_khmer_ban_needs_a_political_object_in_its_sentence(lex):
    s = scored(lex, "តុលាការបានហាមឃាត់គណបក្សប្រឆាំង។", language="km")
    assert ("political_crisis", "ban") in cats(s)
    s = scored(lex, "ក្រសួងបានហាមឃាត់ការប្រើប្រាស់ទឹកអូរនោះជាបណ្តោះអាសន្ន។", language="km")
    assert ("political_crisis", "ban") not in cats(s)
    assert [v.rule for v in s.vetoed if v.term == "ban"] == [
        "requires: none of its context words nearby"]


def test_officials_held_by_the_anti_corruption_unit_are_a_corruption_case(lex):
    s = scored(lex, "The Anti-Corruption Unit detained two provincial officials.")
    pair = [m for m in s.term_matches if m.category == "crime_corruption"]
    assert [m.rule for m in pair] == [
        "pair: held by the Anti-Corruption Unit (anti-corruption unit)"]
    s = scored(lex, "The Anti-Corruption Unit opened a new office.")
    assert not [m for m in s.term_matches if m.category == "crime_corruption"]


# (category, term, a Khmer sentence where it counts, one where its context stops it):
# Khmer words with an everyday sense besides the risk one
KHMER_COUNTS_OR_NOT = [
    ("sanctions_trade", "sanction", "សហរដ្ឋអាមេរិកដាក់ទណ្ឌកម្មលើមន្ត្រីពីរនាក់។",
     "គ្រូបានដាក់ទណ្ឌកម្មសិស្សដែលមកយឺត។"),
    ("arrests_legal", "trial", "តុលាការបានបើកសវនាការលើសំណុំរឿងនេះ។",
     "គណៈកម្មការសភាបានបើកសវនាការអំពីថវិកាជាតិ។"),
    ("arrests_legal", "lawsuit", "គាត់បានដាក់បណ្តឹងទៅតុលាការខេត្ត។",
     "អតិថិជនបានដាក់បណ្តឹងទៅក្រុមហ៊ុនអំពីសេវាកម្ម។"),
    ("security_military", "explosion", "គ្រាប់ផ្លោងបានផ្ទុះនៅជិតព្រំដែន។",
     "ការបង្ហោះនោះបានផ្ទុះការចាប់អារម្មណ៍ពីអ្នកគាំទ្រ។"),
]


@pytest.mark.parametrize("category,term,counts,stopped", KHMER_COUNTS_OR_NOT)
def test_khmer_words_with_an_everyday_sense_need_their_context(lex, category, term, counts,
                                                                 stopped):
    assert (category, term) in cats(scored(lex, counts, language="km"))
    s = scored(lex, stopped, language="km")
    assert (category, term) not in cats(s)
    assert [v.rule for v in s.vetoed if v.term == term], s.vetoed


def test_treason_is_politics_and_torture_is_legal_only_in_custody(lex):
    s = scored(lex, "The government accused the opposition leader of treason.")
    assert ("political_crisis", "treason") in cats(s)
    assert not [m for m in s.term_matches if m.category == "arrests_legal"]
    assert ("arrests_legal", "torture") in cats(scored(lex, "Detainees said police tortured them."))
    s = scored(lex, "Victims said the scam bosses tortured them for weeks.")
    assert ("arrests_legal", "torture") not in cats(s)


def test_sanctions_over_the_opposition_are_also_politics(lex):
    s = scored(lex, "Washington threatened sanctions if Sam Rainsy is harmed on his return.")
    assert [m.rule for m in s.term_matches if m.category == "political_crisis"] == [
        "pair: sanctions over the opposition (sam rainsy)"]
    s = scored(lex, "Washington threatened sanctions on the timber firms.")
    assert not [m for m in s.term_matches if m.category == "political_crisis"]
