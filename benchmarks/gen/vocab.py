"""What the synthetic articles are made of.

The scoring vocabulary (risk categories with their terms and weights, actors, provinces)
is read from data/lexicons, so a generated database names the categories and actors the
dashboard knows; only the prose around them (sentence frames, filler, headlines, feeds,
unlisted names) is written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from feeds.lexicon import Lexicons, load_lexicons, province_codes

FRAMES = (
    "Officials confirmed reports of {t} near the provincial capital on Monday",
    "Observers said the {t} reflected growing tension in the region",
    "A spokesman declined to comment on the {t} when reached by phone",
    "Rights groups warned that the {t} could escalate in the coming weeks",
    "Local residents described the {t} as unprecedented in recent years",
    "The ministry issued a statement about the {t} late on Tuesday",
    "Diplomats in Phnom Penh were briefed on the {t} according to two sources",
)

ACTOR_FRAMES = (
    "{a} said the government would respond within days",
    "{a} rejected the accusations as politically motivated",
    "{a} welcomed the decision and called for calm",
    "{a} did not respond to requests for comment",
    "{a} urged all parties to respect the rule of law",
    "{a} criticised the move in a post on social media",
    "A statement attributed to {a} was circulated on Wednesday",
)
FILLER = (
    "The report could not be independently verified",
    "Further details were expected later in the week",
    "The story is developing and will be updated",
    "Prices at local markets remained stable over the period",
    "Tourism arrivals rose compared with the same month last year",
    "The meeting was held behind closed doors",
    "Analysts expect the issue to remain on the agenda",
    "Several provinces reported heavy rainfall during the weekend",
)
HEAD_VERBS = (
    "warns over",
    "responds to",
    "faces questions on",
    "denies role in",
    "under pressure after",
    "calls for inquiry into",
    "speaks out on",
)
NEUTRAL_HEADS = (
    "Rice exports climb as harvest season ends",
    "New ring road opens to traffic in Phnom Penh",
    "Angkor visitor numbers pass pre-pandemic levels",
    "Mekong water levels monitored ahead of dry season",
    "Stock exchange lists new bond issue",
    "Provincial schools receive new textbooks",
    "Dragon boat races draw crowds to the riverside",
    "Football federation names new national coach",
)
OFFTOPIC_HEADS = (
    "Regional markets mixed as oil prices ease",
    "Typhoon season forecast released for the Philippines",
    "Singapore airport posts record passenger month",
    "Thai baht steadies against dollar",
    "Laos hydropower project reaches milestone",
    "Vietnam coffee exports hit record",
)
KHMER_TITLES = (
    "រាជរដ្ឋាភិបាលប្រកាសវិធានការថ្មី",
    "សមត្ថកិច្ចចាប់ខ្លួនជនសង្ស័យ",
    "កសិករតវ៉ាពីជម្លោះដីធ្លី",
    "រដ្ឋសភាអនុម័តច្បាប់ថ្មី",
    "ពលករកាត់ដេរធ្វើកូដកម្ម",
)
KHMER_SENTENCES = (
    "លោកបានថ្លែងថា រដ្ឋាភិបាលនឹងចាត់វិធានការ។",
    "អ្នកស្រុកបានប្រមូលផ្តុំគ្នានៅមុខសាលាខេត្ត។",
    "ព័ត៌មានលម្អិតនឹងត្រូវប្រកាសនៅពេលក្រោយ។",
    "មន្ត្រីមិនបានឆ្លើយតបនឹងសំណួររបស់អ្នកសារព័ត៌មានទេ។",
)
UNLISTED = [
    f"{a} {b}"
    for a in (
        "Sok",
        "Chan",
        "Vann",
        "Heng",
        "Lim",
        "Ouk",
        "Phan",
        "Keo",
        "Meas",
        "Nhem",
        "Pich",
        "Ros",
        "Sam",
        "Yim",
    )
    for b in (
        "Dara",
        "Sophea",
        "Vuthy",
        "Rithy",
        "Bopha",
        "Sokha",
        "Kosal",
        "Malis",
        "Pisey",
        "Narith",
        "Chenda",
        "Rotha",
        "Vichet",
        "Samnang",
        "Thida",
        "Visal",
        "Sreypov",
        "Kimsan",
        "Vanna",
        "Sothea",
        "Chantha",
        "Leakhena",
    )
]

FEEDS = [
    # name, host, relative volume, language, status
    ("Khmer Times", "www.khmertimeskh.com", 18, "en", "ok"),
    ("Phnom Penh Post", "www.phnompenhpost.com", 12, "en", "ok"),
    ("CamboJA News", "cambojanews.com", 6, "en", "ok"),
    ("VOD English", "vodenglish.news", 5, "en", "failed"),
    ("Kiripost", "kiripost.com", 3, "en", "ok"),
    ("Cambodianess", "cambodianess.com", 4, "en", "ok"),
    ("RFA Khmer", "www.rfa.org", 5, "km", "ok"),
    ("VOA Khmer", "www.voacambodia.com", 4, "km", "unchanged"),
    ("Fresh News English", "en.freshnewsasia.com", 6, "en", "ok"),
    ("AKP", "www.akp.gov.kh", 5, "en", "ok"),
    ("Xinhua Asia-Pacific", "english.news.cn", 4, "en", "ok"),
    ("The Diplomat – Southeast Asia", "thediplomat.com", 2, "en", "ok"),
    ("Nikkei Asia – Cambodia", "asia.nikkei.com", 2, "en", "waiting"),
    ("Reuters Asia", "www.reuters.com", 3, "en", "ok"),
    ("AP Asia-Pacific", "apnews.com", 2, "en", "ok"),
    ("Bangkok Post – Cambodia", "www.bangkokpost.com", 2, "en", "ok"),
    ("VnExpress International", "e.vnexpress.net", 1.5, "en", "ok"),
    ("South China Morning Post – SE Asia", "www.scmp.com", 1.5, "en", "ok"),
    ("Google News: Cambodia", "news.google.com", 8, "en", "ok"),
    ("Google News: Phnom Penh", "news.google.com", 3, "en", "ok"),
    ("Human Rights Watch – Cambodia", "www.hrw.org", 0.5, "en", "ok"),
    ("Licadho Updates", "www.licadho-cambodia.org", 0.4, "en", "ok"),
    ("UN News – Asia Pacific", "news.un.org", 0.8, "en", "ok"),
    ("Radio France Internationale – Cambodge", "www.rfi.fr", 0.8, "fr", "ok"),
    ("Le Petit Journal Cambodge", "lepetitjournal.com", 0.6, "fr", "failed"),
    ("Thmey Thmey", "thmeythmey.com", 2, "km", "ok"),
    ("Sabay News", "news.sabay.com.kh", 2, "km", "ok"),
    ("B2B Cambodia", "www.b2b-cambodia.com", 0.7, "en", "ok"),
    ("Asia Times", "asiatimes.com", 0.8, "en", "ok"),
    ("Mekong Eye", "www.mekongeye.com", 0.5, "en", "unchanged"),
]


# How many actors an article names: 0..4.
ACTOR_COUNT_CUM = list(accumulate((0.25, 0.3, 0.25, 0.12, 0.08)))
LEXICON_VERSIONS = ("b41c9a0e2f7d", "7fe2d01c93ab", "0c55e9ad1b24")


@dataclass(frozen=True)
class Vocab:
    """The lexicon-derived half of the vocabulary."""

    categories: tuple[str, ...]
    # how often each category shows up: its number of terms, so bigger ones show more
    category_weights: tuple[float, ...]
    terms: dict[str, list[tuple[str, tuple[str, ...], float]]]  # category -> term, forms, weight
    actors: tuple[str, ...]  # canonical names; the file's order sets their popularity
    provinces: tuple[str, ...]
    # every gazetteer place that lies in a province: name, kind, ISO code; the
    # provinces first, then the specific places (towns, crossings, sites)
    places: tuple[tuple[str, str, str], ...] = ()


def from_lexicons(lexicons: Lexicons | None = None) -> Vocab:
    lexicons = lexicons or load_lexicons()
    codes = province_codes(lexicons.places)
    terms = {
        cid: [(t.term, t.surface, t.weight) for t in category.terms]
        for cid, category in lexicons.categories.items()
    }
    return Vocab(
        categories=tuple(terms),
        category_weights=tuple(float(len(v)) for v in terms.values()),
        terms=terms,
        actors=tuple(a.name for a in lexicons.actors),
        provinces=tuple(p.name for p in lexicons.places if p.kind in ("province", "capital")),
        places=tuple(
            sorted(((p.name, p.kind, codes[p.name]) for p in lexicons.places if p.name in codes),
                   key=lambda x: x[1] not in ("province", "capital"))
        ),
    )
