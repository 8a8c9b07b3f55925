"""Actor mentions: aliases, honorifics, ambiguous short names, context, sentiment."""

from __future__ import annotations

import pytest

from feeds.lexicon import load_lexicons
from feeds.score import compiled, score_article, sentences


def mentions(lex, text: str, title: str = "", language: str | None = "en"):
    score = score_article(title, text, lex, language=language)
    sents = sentences(title, text)
    for m in score.actor_mentions:
        assert sents[m.sentence_index][m.start : m.end] == m.alias
    return [(m.actor, m.alias) for m in score.actor_mentions]


def test_every_alias_finds_its_actor(lex):
    for actor in lex.actors:
        assert set(actor.aliases) <= set(actor.forms)
        for alias in actor.forms:  # written and generated
            got = mentions(lex, f"Yesterday {alias} said nothing.")
            assert (actor.name, alias) in got, (actor.id, alias, got)
        for alias in actor.km_forms:
            got = mentions(lex, f"កាលពីម្សិលមិញ {alias} បាននិយាយ។", language=None)
            assert [a for a, _ in got] == [actor.name], (actor.id, alias, got)


def test_honorifics_join_the_mention(lex):
    assert mentions(lex, "Samdech Techo Hun Sen spoke on Monday.") == [
        ("Hun Sen", "Samdech Techo Hun Sen")
    ]
    assert mentions(lex, "Samdech Hun Sen spoke.") == [("Hun Sen", "Samdech Hun Sen")]
    assert mentions(lex, "H.E. Hun Manet spoke.") == [("Hun Manet", "H.E. Hun Manet")]
    assert mentions(lex, "Mr. Sok Eysan spoke.") == [("Sok Eysan", "Mr. Sok Eysan")]
    assert mentions(lex, "Lok Chumteav Bun Rany attended.") == [
        ("Bun Rany", "Lok Chumteav Bun Rany")
    ]
    assert mentions(lex, "Samdech Techo arrived late.") == [("Hun Sen", "Samdech Techo")]
    assert mentions(lex, "សម្តេចតេជោ ហ៊ុន សែន បានថ្លែង។") == [("Hun Sen", "សម្តេចតេជោ ហ៊ុន សែន")]
    assert mentions(lex, "ឯកឧត្តម ស សុខា បានថ្លែង។") == [("Sar Sokha", "ឯកឧត្តម ស សុខា")]


def test_romanisation_variants_and_word_orders(lex):
    assert mentions(lex, "Theary Seng was sentenced.") == [("Seng Theary", "Theary Seng")]
    assert mentions(lex, "A Hun-Sen-led government.")[0] == ("Hun Sen", "Hun-Sen")
    assert mentions(lex, "Hun Sen's son spoke.") == [("Hun Sen", "Hun Sen")]
    assert mentions(lex, "Hun Manet\u2019s plan.") == [("Hun Manet", "Hun Manet")]
    assert mentions(lex, "HUN SEN SPEAKS") == [("Hun Sen", "HUN SEN")]


def test_western_order_comes_from_one_rule_per_person(lex):
    kem = lex.actor("kem-monovithya")
    assert kem.western_order and "Monovithya Kem" not in kem.aliases
    assert mentions(lex, "Monovithya Kem wrote.") == [("Kem Monovithya", "Monovithya Kem")]
    assert mentions(lex, "Kem Monovithya wrote.") == [("Kem Monovithya", "Kem Monovithya")]
    assert mentions(lex, "Sophal Ear said.") == [("Ear Sophal", "Sophal Ear")]
    # people without the rule are matched only as written
    assert not lex.actor("sar-kheng").western_order
    assert mentions(lex, "Kheng Sar spoke.") == []
    assert mentions(lex, "Many Hun Sen supporters came.") == [("Hun Sen", "Hun Sen")]


def test_spelling_variants(lex):
    assert mentions(lex, "Kirt Chantharith said.") == [("Kirth Chantharith", "Kirt Chantharith")]
    for text, alias in (
        ("The Labor Ministry said.", "Labor Ministry"),
        ("The Labour Ministry said.", "Labour Ministry"),
        ("The Ministry of Labor and Vocational Training said.", None),
    ):
        got = mentions(lex, text)
        assert [a for a, _ in got] == ["Ministry of Labour and Vocational Training"], text
        assert alias is None or got[0][1] == alias
    assert mentions(lex, "The Defense Ministry said.") == [
        ("Ministry of National Defence", "Defense Ministry")
    ]
    assert mentions(lex, "The Ministry of Education, Youth and Sport said.") == [
        ("Ministry of Education, Youth and Sport", "Ministry of Education")
    ]


def test_khmer_spellings_are_folded_alike(lex):
    from feeds.khmer_spelling import fold, key
    from feeds.text import khmer_key

    assert key("សម រង្ស៉ី") == key("សមរង្ស៊ី") == khmer_key("សម រង្ស៊ី")
    assert key("ស្ដ្រី") == key("ស្ត្រី")
    assert key("\u1780\u17c6\u17bb") == key("\u1780\u17bb\u17c6")  # ំ typed before ុ
    assert key("\u1780\u17c1\u17b6") == key("\u1780\u17c4")  # េ + ា is ោ
    folded, where = fold("ក ្រុម  សម")
    assert len(folded) == len(where) and where == sorted(where)
    km = "km"
    assert mentions(lex, "លោក សម រង្ស៉ី បាននិយាយ។", language=km) == [("Sam Rainsy", "លោក សម រង្ស៉ី")]
    assert mentions(lex, "បក្សប្រជាជនកម្ពុជា បានឈ្នះ។", language=km) == [
        ("Cambodian People's Party", "បក្សប្រជាជនកម្ពុជា")
    ]
    assert mentions(lex, "សាយ សំអាល់ បាននិយាយ។", language=km) == [("Say Sam Al", "សាយ សំអាល់")]
    assert mentions(lex, "ឧកញ៉ា លី យ៉ុងផាត់", language=km)[0][1].startswith("ឧកញ៉ា")
    # a short name inside another word is not the name; after an honorific it is
    assert mentions(lex, "និស្សិតមានចំនួនជាង ៣០,០០០នាក់។", language=km) == []
    assert mentions(lex, "លោកនួន ជា បាននិយាយ។", language=km) == [("Nuon Chea", "លោកនួន ជា")]
    assert mentions(lex, "មេដឹកនាំ នួន ជា បានស្លាប់។", language=km) == [("Nuon Chea", "នួន ជា")]


def test_a_body_named_with_another_country_is_that_country(lex):
    for text, alias in (
        ("Thailand's Interior Ministry said so.", "Thailand's Interior Ministry"),
        ("Thailand\u2019s Interior Ministry said so.", "Thailand\u2019s Interior Ministry"),
        ("The Thai Defence Ministry said.", "Thai Defence Ministry"),
        ("The Thai Defense Ministry said.", "Thai Defense Ministry"),
        ("The Interior Ministry of Thailand said.", "Interior Ministry of Thailand"),
        ("The Supreme Court of the Kingdom of Thailand ruled.", None),
        ("ក្រសួងការពារជាតិថៃ បានថ្លែង។", "ក្រសួងការពារជាតិថៃ"),
        ("ក្រសួងមហាផ្ទៃនៃប្រទេសថៃ បានថ្លែង។", "ក្រសួងមហាផ្ទៃនៃប្រទេសថៃ"),
    ):
        got = mentions(lex, text)
        assert [a for a, _ in got] == ["Thailand"], (text, got)
        assert alias is None or got[0][1] == alias
    assert mentions(lex, "Vietnam's Ministry of Foreign Affairs said.") == [
        ("Vietnam", "Vietnam's Ministry of Foreign Affairs")
    ]
    assert mentions(lex, "The U.S. Supreme Court ruled.") == [
        ("United States", "U.S. Supreme Court")
    ]
    # named as Cambodia's, or without a country, they stay Cambodia's
    for text in ("Cambodia's Interior Ministry said.", "The Interior Ministry said."):
        assert [a for a, _ in mentions(lex, text)] == ["Ministry of Interior"], text
    score = score_article("", "Thailand's Interior Ministry said so.", lex, language="en")
    assert "Ministry of Interior" not in " ".join(score.relevance_terms)


def test_places_named_after_people_are_not_the_people(lex):
    for text in (
        "Traffic was slow on Hun Sen Boulevard.",
        "Children played in Hun Sen Park.",
        "He landed at Sihanouk International Airport.",
        "They walked along Norodom Boulevard.",
        "Bus service to Sihanouk ville.",
        "ផ្លូវ ហ៊ុន សែន ត្រូវបានបិទ។",
        "មហាវិថីព្រះនរោត្តម សីហនុ",
    ):
        assert mentions(lex, text) == [], text
    assert mentions(lex, "Hun Sen said on Monday.") == [("Hun Sen", "Hun Sen")]
    assert mentions(lex, "Hun Sen Tuesday warned Thailand.")[0] == ("Hun Sen", "Hun Sen")


def test_overlapping_aliases_of_one_actor_hide_others_inside(lex):
    assert mentions(lex, "A gift from Queen Mother Norodom Monineath Sihanouk.") == [
        ("Norodom Monineath", "Queen Mother Norodom Monineath Sihanouk")
    ]


def test_outlets_named_as_sources_or_credits_are_not_mentions(lex):
    for text in (
        "According to Fresh News, he was arrested.",
        "He told CamboJA News that it was fine.",
        "(Fiona Kelliher/VOD) Residents gathered.",
        "AKP Phnom Penh, December 08, 2025 -- The ministry met.",
        "Agence Kampuchea Presse - AKP",
        "National | Phnom Penh Post",
        "លោក បានប្រាប់បណ្ដាញព័ត៌មាន Fresh News ថា",
    ):
        got = [a for a, _ in mentions(lex, text)]
        assert not {"Fresh News", "CamboJA News", "Voice of Democracy"} & set(got), text
        assert "Agence Kampuchea Presse" not in got and "Phnom Penh Post" not in got, text
    assert mentions(lex, "The government revoked VOD's licence.") == [("Voice of Democracy", "VOD")]


def test_outlets_as_the_reporter_are_not_mentions(lex):
    for text in (
        "Cambodianess could not reach the ministry for comment.",
        "CamboJA News tried to contact the governor on Monday.",
        "In an interview with National TV (TVK), the director said so.",
        "ថ្ងៃនេះ Fresh News នឹងបង្ហាញចំណេះដឹងទូទៅមួយ",
    ):
        got = [a for a, _ in mentions(lex, text, language=None)]
        assert not {"Cambodianess", "CamboJA News", "Fresh News"} & set(got), text
        assert "National Television of Cambodia" not in got, text
    for text in (  # a page header: a date, perhaps a byline, then the outlet
        "Wednesday, 09 April 2014 The Phnom Penh Post An expert said so.",
        "By a reporter | June 25, 2014 The Cambodia Daily A firm evicted families.",
        "Sat, 25 October 2014 សរ ពិសី ភ្នំពេញប៉ុស្តិ៍ មនុស្សតែងមានមហិច្ឆតា",
    ):
        got = [a for a, _ in mentions(lex, text, language=None)]
        assert not {"Phnom Penh Post", "Cambodia Daily"} & set(got), text
    assert [a for a, _ in mentions(lex, "On June 25, 2014 the Cambodia Daily reported it.")] == [
        "Cambodia Daily"
    ]
    # the outlet as the subject of the story still counts
    assert [a for a, _ in mentions(lex, "Cambodianess could not publish for a week.")] == [
        "Cambodianess"
    ]
    assert [a for a, _ in mentions(lex, "The ministry suspended TVK (the state channel).")] == [
        "National Television of Cambodia"
    ]


def test_a_reporter_in_a_byline_is_not_a_mention(lex):
    for text in (
        "By Mech Dara | June 25, 2014. The land was seized.",
        "(Reporting by Mech Dara; Editing by a desk editor)",
        "2014-07-29 19:19 by Mech Dara. The land was seized.",
    ):
        assert "Mech Dara" not in [a for a, _ in mentions(lex, text)], text
    # "by" in a sentence is not a byline
    assert [a for a, _ in mentions(lex, "The land was seized by Ly Yong Phat, they said.")] == [
        "Ly Yong Phat"
    ]
    assert [a for a, _ in mentions(lex, "Mech Dara was arrested by police.")] == ["Mech Dara"]


def test_a_husband_named_in_his_wife_s_name_is_not_a_mention(lex):
    for text in (
        "Mrs. Ou Thyda Poeuv Kuoch Chamroeun also donated money.",
        "Lok Chumteav Men Pheakdey Sar Kheng attended the ceremony.",
    ):
        got = [a for a, _ in mentions(lex, text)]
        assert "Kuoch Chamroeun" not in got and "Sar Kheng" not in got, text
    assert mentions(lex, "Lok Chumteav Bun Rany attended.") == [
        ("Bun Rany", "Lok Chumteav Bun Rany")
    ]
    assert [a for a, _ in mentions(lex, "Governor Kuoch Chamroeun donated.")] == ["Kuoch Chamroeun"]


def test_a_ministry_is_also_named_subject_first(lex):
    for text, name in (
        ("The Information Ministry issued a Prakas.", "Ministry of Information"),
        ("The Cults and Religion Ministry said so.", "Ministry of Cults and Religion"),
        ("The Royal Palace Ministry said so.", "Ministry of the Royal Palace"),
    ):
        assert [a for a, _ in mentions(lex, text)] == [name], text
    # only government bodies: a party or a person is never turned round
    assert not [
        f
        for a in lex.actors
        if a.type != "government_body"
        for f in a.forms
        if f.endswith(" Ministry") and not f.startswith("Ministry") and f not in a.aliases
    ]


def test_khmer_spelling_variants_of_names(lex):
    # a silent final written out, rank titles and "Dr" before a name
    assert [
        a for a, _ in mentions(lex, "ឧត្តមសេនីយ៍ឯក ជួន ណា\u200bរិ\u200bន្ទ បានថ្លែង។", language=None)
    ] == ["Chuon Narin"]
    got = mentions(lex, "លោកបណ្ឌិត ហេង សុផាន់ណារិទ្ធ បានថ្លែង។", language=None)
    assert got == [("Heng Sophannarith", "លោកបណ្ឌិត ហេង សុផាន់ណារិទ្ធ")]
    assert [a for a, _ in mentions(lex, "អ្នកស្រី ជូឡុង សូមូរ៉ា និង លោក ឡុង រី", language=None)] == [
        "Tioulong Saumura",
        "Long Ry",
    ]


def test_the_royal_government_named_alone_is_the_government(lex):
    assert [a for a, _ in mentions(lex, "It follows the Royal Government\u2019s policy.")] == [
        "Royal Government of Cambodia"
    ]
    assert "Royal Government of Cambodia" not in [
        a for a, _ in mentions(lex, "The Royal Government of Thailand protested.")
    ]


def test_matches_inside_web_addresses_are_not_mentions(lex):
    text = "See https://www.voanews.com/a/cambodia-supreme-court-dissolves-cnrp/1.html now."
    assert mentions(lex, text) == []
    assert mentions(lex, 'A link="/khmer/hun-sen/" here.') == []
    assert mentions(lex, 'A file="/img/bio__kem-sokha__marching.jpg" here.') == []
    assert [a for a, _ in mentions(lex, "The CPP/CNRP talks.")] == [
        "Cambodian People's Party",
        "Cambodia National Rescue Party",
    ]


def test_ambiguous_short_names_never_match_alone(lex):
    for text in (
        "Hun said nothing.",
        "Sam went home.",
        "Kem arrived.",
        "Sokha said he would not resign.",
        "Manet painted water lilies.",
        "Many people came.",
        "Rescue teams arrived.",
    ):
        assert mentions(lex, text) == [], text


def test_a_party_named_after_a_person_is_the_party(lex):
    assert mentions(lex, "The Sam Rainsy Party was renamed.") == [
        ("Sam Rainsy Party", "Sam Rainsy Party")
    ]
    assert mentions(lex, "The Sam Rainsy Party and Sam Rainsy.") == [
        ("Sam Rainsy Party", "Sam Rainsy Party"),
        ("Sam Rainsy", "Sam Rainsy"),
    ]
    assert mentions(lex, "គណបក្សសមរង្ស៊ី") == [("Sam Rainsy Party", "គណបក្សសមរង្ស៊ី")]


def test_exclusions(lex):
    assert mentions(lex, "Traffic was slow on Hun Sen Boulevard.") == []
    assert mentions(lex, "Hun Sen drove down Hun Sen Boulevard.") == [("Hun Sen", "Hun Sen")]
    assert mentions(lex, "Floods hit Preah Sihanouk province.") == []
    assert mentions(lex, "The US Senate voted.") == [("United States", "US Senate")]
    assert mentions(lex, "China claims most of the South China Sea.") == [("China", "China")]


def test_acronyms_only_in_capitals(lex):
    assert mentions(lex, "Let us go.") == []
    assert mentions(lex, "Us and them.") == []
    assert mentions(lex, "The fine was US$2,000.") == []
    assert mentions(lex, "The US said so.") == [("United States", "US")]
    assert mentions(lex, "The CPP won.") == [("Cambodian People's Party", "CPP")]
    assert mentions(lex, "The cpp file compiled.") == []


def test_context_aliases_need_a_full_mention_first(lex):
    got = mentions(lex, "Kem Sokha was released. Sokha thanked supporters.")
    assert got == [("Kem Sokha", "Kem Sokha"), ("Kem Sokha", "Sokha")]
    got = mentions(lex, "Sokha spoke first. Later, Sar Sokha replied.")
    assert got == [("Sar Sokha", "Sar Sokha")]
    got = mentions(lex, "Hun Manet met reporters. Manet said little.")
    assert got[-1] == ("Hun Manet", "Manet")


def test_shared_context_alias_goes_to_the_latest_full_mention(lex):
    text = "Kem Sokha met Sar Sokha. Sokha said the talks went well."
    assert mentions(lex, text)[-1] == ("Sar Sokha", "Sokha")
    text = "Sar Sokha met Kem Sokha. Sokha said the talks went well."
    assert mentions(lex, text)[-1] == ("Kem Sokha", "Sokha")
    # the full mention must come first, even within one sentence
    assert mentions(lex, "Sokha said Kem Sokha would stay.") == [("Kem Sokha", "Kem Sokha")]


def test_mentions_carry_the_sentence_sentiment(lex):
    analyzer = compiled(lex).analyzer
    title = "Hun Manet praises strong growth"
    text = "Critics said Hun Manet ignored brutal arrests."
    score = score_article(title, text, lex, language="en")
    for m in score.actor_mentions:
        sentence = sentences(title, text)[m.sentence_index]
        assert m.sentiment == analyzer.polarity_scores(sentence)["compound"]
    assert score.actor_mentions[0].sentiment > 0 > score.actor_mentions[1].sentiment


def test_unscored_languages_give_no_mention_sentiment(lex):
    score = score_article("", "Hun Manet a visité Paris.", lex, language="fr")
    assert score.actor_mentions and all(m.sentiment is None for m in score.actor_mentions)
    score = score_article("", "ហ៊ុន ម៉ាណែត បានថ្លែង។", lex)
    assert score.language == "km"
    assert [m.sentiment for m in score.actor_mentions] == [None]


def test_unlisted_names(lex):
    text = (
        "Deputy Governor Chea Sokhom met Oknha Meas Sovanny in Kampot. "
        "Police said Chea Sokhom would return. Hun Manet was not there. "
        "On Monday the Ministry of Tourism said nothing."
    )
    names = {n.name: n for n in score_article("", text, lex, language="en").unlisted_names}
    assert names["Chea Sokhom"].mentions == 2
    assert names["Chea Sokhom"].example.startswith("Deputy Governor Chea Sokhom met")
    assert "Meas Sovanny" in names  # honorific stripped
    assert "Hun Manet" not in names and "Police" not in " ".join(names)
    assert not [n for n in names if "Monday" in n]


def test_unlisted_names_skip_title_case_titles(lex):
    score = score_article("Government Announces New Rules For Tour Guides", "Nothing.", lex)
    assert score.unlisted_names == []


def _load_with(tmp_path, edit):
    """The real lexicons with actors.toml changed by ``edit``; the loader's error text."""
    import shutil

    from feeds.config import lexicon_dir
    from feeds.lexicon import LexiconError

    for f in lexicon_dir().glob("*.toml"):
        shutil.copy(f, tmp_path / f.name)
    path = tmp_path / "actors.toml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_lexicons(tmp_path)
    return str(err.value)


def test_generated_forms_are_checked_like_written_aliases(tmp_path):
    def clash(text):  # another actor already called "Monovithya Kem"
        return (
            text + '\n[[actor]]\nid = "x"\nname = "Monovithya Kem"\ntype = "person"\n'
            'affiliation = "Cambodia"\n'
        )

    msg = _load_with(tmp_path, clash)
    assert "actor 'x'" in msg and "already an alias of actor 'kem-monovithya'" in msg

    def party_order(text):
        return text.replace(
            'name = "Candlelight Party"\n', 'name = "Candlelight Party"\nwestern_order = true\n'
        )

    msg = _load_with(tmp_path, party_order)
    assert "actor 'candlelight': field 'western_order'" in msg

    def bad_pair(text):
        return text.replace('["labour", "labor"]', '["labour", "Labor Day"]')

    assert "field 'spellings'" in _load_with(tmp_path, bad_pair)


def test_the_lexicon_covers_the_groups_analysts_ask_about(lex):
    assert len(lex.actors) >= 300
    by_id = {a.id: a for a in lex.actors}
    ministries = [a for a in lex.actors if a.name.startswith("Ministry of")]
    assert len(ministries) >= 25 and all(a.cambodian for a in ministries)
    for ident in ("pol-pot", "nuon-chea", "khieu-samphan", "ieng-sary", "duch", "ta-mok"):
        assert by_id[ident].type == "historical" and by_id[ident].cambodian, ident
    for ident in ("ly-yong-phat", "chen-zhi", "prince-group", "try-pheap", "kok-an"):
        assert ident in by_id, ident
    # spokespeople of the government, police, army and foreign ministry, and unions
    for ident in ("pen-bona", "chhay-kim-khoeun", "chhum-socheat", "ket-sophann", "central"):
        assert by_id[ident].cambodian, ident
    provinces = [p for p in lex.places if p.kind == "province"]
    courts = [a for a in lex.actors if a.id.endswith("-court") and a.type == "court"]
    assert len(courts) >= len(provinces) - 1  # Kep's court left out


def test_a_khmer_demonym_in_the_english_list_is_pointed_to_its_place(tmp_path):
    def khmer_demonym(text):
        return text.replace('demonyms = ["Thai"]', 'demonyms = ["Thai", "ថៃ"]')

    msg = _load_with(tmp_path, khmer_demonym)
    assert msg == (
        "actors.toml: actor 'thailand': field 'demonyms': 'ថៃ' is Khmer script; "
        "put it under 'km_demonyms'"
    )


def test_khmer_court_and_capital_hall_short_forms(lex):
    """km_prefixes: a first-instance court (សាលាដំបូង...) is also written តុលាការ...,
    the capital hall (សាលារាជធានី...) also រដ្ឋបាលរាជធានី..."""
    court = mentions(lex, "តុលាការខេត្តសៀមរាប បានកោះហៅសកម្មជនម្នាក់។", language="km")
    assert "Siem Reap Provincial Court" in [a for a, _ in court]
    hall = mentions(lex, "រដ្ឋបាលរាជធានីភ្នំពេញ បានប្រកាសវិធានការថ្មី។", language="km")
    assert "Phnom Penh City Hall" in [a for a, _ in hall]


def test_khmer_source_line_and_not_yet_reached_are_credits(lex):
    """ "ប្រភព : Fresh News" (source) and "Fresh News មិនទាន់អាចសុំ..." (could not yet
    obtain) name the outlet as source or reporter, not as the story's subject."""
    for text in ("ប្រភព : Fresh News", "Fresh News មិនទាន់អាចសុំការបកស្រាយពីមន្ត្រីបានទេ។"):
        assert "Fresh News" not in [a for a, _ in mentions(lex, text, language="km")], text
    assert "Fresh News" in [a for a, _ in mentions(lex, "Fresh News ត្រូវបានគេរិះគន់។", language="km")]
