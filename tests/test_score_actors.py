"""Actor mentions: aliases, honorifics, ambiguous short names, context, sentiment."""

from __future__ import annotations

from feeds.score import compiled, score_article, sentences


def mentions(lex, text: str, title: str = "", language: str | None = "en"):
    score = score_article(title, text, lex, language=language)
    sents = sentences(title, text)
    for m in score.actor_mentions:
        assert sents[m.sentence_index][m.start : m.end] == m.alias
    return [(m.actor, m.alias) for m in score.actor_mentions]


def test_every_alias_finds_its_actor(lex):
    for actor in lex.actors:
        for alias in (actor.name, *actor.aliases):
            got = mentions(lex, f"Yesterday {alias} said nothing.")
            assert (actor.name, alias) in got, (actor.id, alias, got)
        for alias in actor.km:
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
    assert mentions(lex, "HUN SEN SPEAKS") == [("Hun Sen", "HUN SEN")]


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
    assert mentions(lex, "The US Senate voted.") == [("United States", "US")]
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
        "Deputy Governor Chea Sokhom met Oknha Ly Yong Phat in Kampot. "
        "Police said Chea Sokhom would return. Hun Manet was not there. "
        "On Monday the Ministry of Tourism said nothing."
    )
    names = {n.name: n for n in score_article("", text, lex, language="en").unlisted_names}
    assert names["Chea Sokhom"].mentions == 2
    assert names["Chea Sokhom"].example.startswith("Deputy Governor Chea Sokhom met")
    assert "Ly Yong Phat" in names  # honorific stripped
    assert "Hun Manet" not in names and "Police" not in " ".join(names)
    assert not [n for n in names if "Monday" in n]


def test_unlisted_names_skip_title_case_titles(lex):
    score = score_article("Government Announces New Rules For Tour Guides", "Nothing.", lex)
    assert score.unlisted_names == []
