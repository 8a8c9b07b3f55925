"""Build a big database of synthetic, already-scored Cambodia news articles.

    python benchmarks/gen_db.py --db sqlite:///benchmarks/out/bench-200k.db --articles 200000
    python benchmarks/gen_db.py --db postgresql://postgres@127.0.0.1:5432/cr_bench \\
        --articles 200000 --replace

The schema comes from the project's own migrations (``feeds.store.make_engine`` +
``feeds.store.migrate``); the rows are written straight through the DB-API driver in
large batches (``executemany`` on SQLite, ``COPY`` on PostgreSQL) with the secondary
indexes dropped during the load and rebuilt afterwards, which is what makes a million
articles take minutes rather than hours.

What the data looks like
------------------------
* ~30 feeds with skewed volumes (a few big outlets, a long tail), some failing.
* Articles spread over the last three years up to now, volume slowly rising, with a
  handful of "event" weeks where both volume and risk jump (so charts have shape).
* ~85% relevant, ~13% irrelevant, ~2% not yet scored (``relevant`` NULL).
* Risk scores skewed towards low values; sentiment leans negative as risk rises.
* 0-3 risk categories per article (7 categories) whose ``matches`` equal the number of
  ``term_matches`` rows, 0-4 actors per article from ~100 names (Zipf-like popularity)
  with matching ``actor_mentions`` rows. Every evidence row points at a real sentence:
  the text is built sentence by sentence, so offsets are exact.
* ~6% Khmer-language articles (not sentiment-scored), unlisted names for ~20% of the
  articles, 1-2 ``article_feeds`` rows per article, a few dozen ``refresh_runs``.

Sentence numbering follows ``feeds.score.sentences(title, text)``: the title is
sentence 0 and the text's sentences follow. If that function is importable, the
generator checks a sample of articles against it and warns on any mismatch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from bisect import bisect
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from feeds import store  # noqa: E402
from feeds.store import schema  # noqa: E402

CATEGORIES = (
    "security_military",
    "sanctions_trade",
    "arrests_legal",
    "unrest_protest",
    "political_crisis",
    "land_labour",
    "media_civil_society",
)
# How often each category shows up, relative to the others.
CATEGORY_WEIGHTS = (1.4, 0.8, 1.6, 0.9, 1.2, 1.0, 0.9)

# (term, weight, sentence frames) per category; "{t}" is where the term goes.
TERMS: dict[str, list[tuple[str, float]]] = {
    "security_military": [
        ("border clash", 3.0),
        ("troops", 1.5),
        ("military drill", 2.0),
        ("naval base", 2.0),
        ("landmine", 1.5),
        ("armed forces", 1.5),
    ],
    "sanctions_trade": [
        ("sanctions", 3.0),
        ("tariff", 2.0),
        ("export ban", 2.5),
        ("trade preferences", 2.0),
        ("asset freeze", 3.0),
    ],
    "arrests_legal": [
        ("arrested", 2.5),
        ("detained", 2.5),
        ("charged with incitement", 3.0),
        ("treason", 3.5),
        ("court hearing", 1.5),
        ("pretrial detention", 2.5),
    ],
    "unrest_protest": [
        ("protest", 2.0),
        ("demonstrators", 2.0),
        ("strike", 1.5),
        ("riot police", 3.0),
        ("crackdown", 3.0),
    ],
    "political_crisis": [
        ("election dispute", 3.0),
        ("opposition ban", 3.5),
        ("dissolution", 3.0),
        ("cabinet reshuffle", 1.5),
        ("succession", 2.0),
    ],
    "land_labour": [
        ("land dispute", 2.0),
        ("eviction", 2.5),
        ("forced labour", 3.0),
        ("garment workers", 1.0),
        ("land grab", 2.5),
        ("scam compound", 3.0),
    ],
    "media_civil_society": [
        ("press freedom", 2.0),
        ("journalist", 1.0),
        ("licence revoked", 3.0),
        ("NGO law", 2.0),
        ("activist", 1.5),
        ("media outlet closed", 3.0),
    ],
}
FRAMES = (
    "Officials confirmed reports of {t} near the provincial capital on Monday",
    "Observers said the {t} reflected growing tension in the region",
    "A spokesman declined to comment on the {t} when reached by phone",
    "Rights groups warned that the {t} could escalate in the coming weeks",
    "Local residents described the {t} as unprecedented in recent years",
    "The ministry issued a statement about the {t} late on Tuesday",
    "Diplomats in Phnom Penh were briefed on the {t} according to two sources",
)

PERSONS = [
    "Hun Manet",
    "Hun Sen",
    "Sam Rainsy",
    "Kem Sokha",
    "Sar Kheng",
    "Sar Sokha",
    "Prak Sokhonn",
    "Tea Seiha",
    "Hun Many",
    "Say Chhum",
    "Khuon Sudary",
    "Chea Vandeth",
    "Sun Chanthol",
    "Aun Pornmoniroth",
    "Neth Savoeun",
    "Keo Rémy",
    "Mu Sochua",
    "Teav Vannol",
    "Son Chhay",
    "Thach Setha",
    "Kong Korm",
    "Rong Chhun",
    "Theary Seng",
    "Chhim Sithar",
    "Mech Dara",
    "Am Sam Ath",
    "Soeng Sen Karuna",
    "Chak Sopheap",
    "Pa Nguon Teang",
    "Ny Chakrya",
    "Sok Eysan",
    "Chhay Kim Khoeun",
    "Huy Vannak",
    "Pen Bona",
    "Kith Meng",
    "Ly Yong Phat",
    "Vong Sauth",
    "Ke Kim Yan",
    "Pol Saroeun",
    "Neth Pheaktra",
    "Dith Tina",
    "Cheam Yeap",
    "Koy Kuong",
    "Touch Sokhak",
    "Chin Malin",
    "Keo Vannthan",
    "Phay Siphan",
    "Ouk Kimlekh",
    "Vann Sophath",
    "Seng Sary",
]
ORGS = [
    "Cambodian People's Party",
    "Candlelight Party",
    "Cambodia National Rescue Party",
    "National Election Committee",
    "Ministry of Interior",
    "Ministry of Information",
    "Ministry of Justice",
    "Ministry of Labour",
    "Royal Cambodian Armed Forces",
    "National Police",
    "Anti-Corruption Unit",
    "Supreme Court",
    "Phnom Penh Municipal Court",
    "Council of Ministers",
    "National Assembly",
    "Senate",
    "Licadho",
    "Adhoc",
    "Cambodian Center for Human Rights",
    "Mother Nature Cambodia",
    "Cambodian Journalists Alliance Association",
    "Coalition of Cambodian Apparel Workers",
    "Free Trade Union",
    "Nagaworld Union",
    "Garment Manufacturers Association",
    "Council for the Development of Cambodia",
    "Ream Naval Base authority",
    "Phnom Penh Capital Hall",
    "Siem Reap Provincial Hall",
    "Preah Sihanouk Provincial Hall",
    "Battambang Provincial Hall",
    "Koh Kong Provincial Hall",
    "Mondulkiri Provincial Hall",
    "Ratanakiri Provincial Hall",
    "Banteay Meanchey Provincial Hall",
    "United Nations Human Rights Office",
    "European Union",
    "United States Embassy",
    "Chinese Embassy",
    "ASEAN",
    "World Bank",
    "Asian Development Bank",
    "International Labour Organization",
    "Human Rights Watch",
    "Amnesty International",
    "Government of Thailand",
    "Government of Vietnam",
    "Government of China",
    "United States Treasury",
    "Japan International Cooperation Agency",
]
ACTORS = PERSONS + ORGS  # 100 names

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

PROVINCES = (
    "Phnom Penh",
    "Siem Reap",
    "Battambang",
    "Kampong Cham",
    "Preah Sihanouk",
    "Koh Kong",
    "Kampot",
    "Takeo",
    "Svay Rieng",
    "Ratanakiri",
    "Mondulkiri",
    "Banteay Meanchey",
    "Oddar Meanchey",
    "Preah Vihear",
    "Kratie",
    "Pursat",
)
# How many actors an article names: 0..4.
ACTOR_COUNT_CUM = list(accumulate((0.25, 0.3, 0.25, 0.12, 0.08)))
LEXICON_VERSIONS = ("b41c9a0e2f7d", "7fe2d01c93ab", "0c55e9ad1b24")


def _ts(d: datetime) -> str:
    """The text SQLAlchemy's SQLite dialect stores for a DateTime."""
    return d.strftime("%Y-%m-%d %H:%M:%S.%f")


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())[:60]


def _weighted(rng: random.Random, cum: list[float]) -> int:
    return bisect(cum, rng.random() * cum[-1])


class _Writer:
    """Bulk writes through the DB-API connection of one backend."""

    def __init__(self, engine):
        self.engine = engine
        self.backend = engine.dialect.name
        self.raw = engine.raw_connection()
        self.dbapi = self.raw.driver_connection
        self.dropped: list[str] = []

    def prepare(self) -> None:
        cur = self.dbapi.cursor()
        if self.backend == "sqlite":
            cur.execute("PRAGMA foreign_keys=OFF")
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA cache_size=-262144")  # 256 MB page cache during the load
            cur.execute("PRAGMA temp_store=MEMORY")
            rows = cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"
            ).fetchall()
            for name, sql in rows:
                cur.execute(f'DROP INDEX "{name}"')
                self.dropped.append(sql)
        else:
            cur.execute("""
                SELECT i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = current_schema() AND NOT x.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """)
            for name, sql in cur.fetchall():
                cur.execute(f'DROP INDEX "{name}"')
                self.dropped.append(sql)
            try:  # skip per-row foreign-key triggers during COPY (superuser only)
                cur.execute("SET session_replication_role = replica")
            except Exception:
                self.dbapi.rollback()
            self.dbapi.commit()
        cur.close()

    def insert(self, table, rows: list[tuple]) -> None:
        if not rows:
            return
        cols = [c.name for c in table.columns][: len(rows[0])]
        quoted = ", ".join(f'"{c}"' for c in cols)
        if self.backend == "sqlite":
            marks = ", ".join("?" * len(cols))
            self.dbapi.executemany(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', rows)
        else:
            with self.dbapi.cursor() as cur:
                with cur.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)

    def commit(self) -> None:
        self.dbapi.commit()

    def finish(self, analyze: bool) -> None:
        cur = self.dbapi.cursor()
        for sql in self.dropped:
            cur.execute(sql)
        if self.backend == "sqlite":
            self.dbapi.commit()
            if analyze:
                cur.execute("ANALYZE")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            for table in schema.metadata.sorted_tables:
                if "id" in table.c and table.c.id.primary_key:
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 1))'
                    )
            cur.execute("SET session_replication_role = DEFAULT")
            self.dbapi.commit()
            if analyze:
                self.dbapi.autocommit = True
                cur.execute("VACUUM ANALYZE")
                self.dbapi.autocommit = False
        self.dbapi.commit()
        cur.close()
        self.raw.close()


def _assert_empty(engine) -> None:
    from sqlalchemy import func, select

    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(schema.articles)).scalar()
        f = conn.execute(select(func.count()).select_from(schema.feeds)).scalar()
    if n or f:
        raise SystemExit(
            f"the database already holds {n} articles and {f} feeds; pass --replace to start "
            "from an empty database"
        )


def reset_database(url: str) -> None:
    """Delete a SQLite file, or empty a PostgreSQL database's schema."""
    path = store.sqlite_path(url)
    if path is not None:
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(path) + suffix)
            if p.exists():
                p.unlink()
        return
    engine = store.make_engine(url)
    if engine.dialect.name == "postgresql":
        from sqlalchemy import text

        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _day_weights(ndays: int, rng: random.Random) -> tuple[list[float], set[int]]:
    """Daily volume: a slow rise, weekly rhythm, noise and a few event weeks."""
    event_days: set[int] = set()
    for _ in range(max(3, ndays // 120)):
        start = rng.randrange(ndays)
        event_days.update(range(start, min(ndays, start + rng.randint(3, 10))))
    weights = []
    for d in range(ndays):
        w = 1.0 + 0.8 * d / ndays
        w *= 0.7 if d % 7 in (5, 6) else 1.0
        w *= rng.uniform(0.8, 1.2)
        if d in event_days:
            w *= 2.2
        weights.append(w)
    return weights, event_days


def generate(
    url: str,
    n_articles: int,
    seed: int = 1,
    batch: int = 20_000,
    analyze: bool | None = None,
    now: datetime | None = None,
    log=print,
) -> dict[str, int]:
    """Fill an empty (or new) database at ``url``; return the row count per table."""
    t0 = time.perf_counter()
    engine = store.make_engine(url)
    store.migrate(engine)
    _assert_empty(engine)
    rng = random.Random(seed)
    now = (now or datetime.now(UTC).replace(tzinfo=None)).replace(microsecond=0)
    if analyze is None:
        analyze = engine.dialect.name != "sqlite"  # PG's autovacuum would analyze anyway
    w = _Writer(engine)
    w.prepare()
    counts = {t.name: 0 for t in schema.metadata.sorted_tables}

    def put(table, rows):
        w.insert(table, rows)
        counts[table.name] += len(rows)

    # --- feeds --------------------------------------------------------------------
    feed_rows = []
    for i, (name, host, _vol, _lang, status) in enumerate(FEEDS, start=1):
        failed = status in ("failed", "waiting")
        last_ok = (
            now - timedelta(hours=rng.uniform(0.2, 2))
            if not failed
            else (now - timedelta(days=rng.uniform(2, 20)))
        )
        feed_rows.append(
            (
                i,
                name,
                f"https://{host}/feed/{_slug(name)}.xml",
                f'W/"{rng.getrandbits(48):x}"' if rng.random() < 0.6 else None,
                (now - timedelta(hours=3)).strftime("%a, %d %b %Y %H:%M:%S GMT")
                if rng.random() < 0.5
                else None,
                _ts(now - timedelta(minutes=rng.uniform(5, 60))),
                _ts(last_ok),
                status,
                (
                    "HTTP 503 Service Unavailable"
                    if status == "failed"
                    else "timed out after 20 s"
                    if status == "waiting"
                    else None
                ),
                rng.randint(3, 9) if failed else 0,
                _ts(now + timedelta(hours=2)) if status == "waiting" else None,
                rng.randint(80, 2500),
                rng.randint(10, 100),
            )
        )
    put(schema.feeds, feed_rows)

    # --- refresh runs -------------------------------------------------------------
    run_rows = []
    n_runs = 40
    for i in range(n_runs):
        started = now - timedelta(hours=(n_runs - i) * 3 + rng.uniform(0, 0.5))
        finished = started + timedelta(seconds=rng.uniform(20, 240))
        bad = rng.randint(0, 4)
        unchanged = rng.randint(0, 12)
        run_rows.append(
            (
                i + 1,
                _ts(started),
                _ts(finished) if i != n_runs - 5 else None,
                len(FEEDS) - bad - unchanged,
                bad,
                unchanged,
                rng.randint(0, 2),
                rng.randint(0, 400),
                "demo" if i == 0 else "refresh",
            )
        )
    put(schema.refresh_runs, run_rows)
    w.commit()

    # --- articles and their evidence ---------------------------------------------
    ndays = 3 * 365
    first_day = (now - timedelta(days=ndays - 1)).date()
    day_w, event_days = _day_weights(ndays, rng)
    day_cum = list(accumulate(day_w))
    # How many articles each day gets (multinomial via sorted uniform draws, cheaply).
    days_sorted = sorted(_weighted(rng, day_cum) for _ in range(n_articles))
    feed_cum = list(accumulate(f[2] for f in FEEDS))
    cat_cum = list(accumulate(CATEGORY_WEIGHTS))
    actor_cum = list(accumulate(1.0 / (k + 1) ** 0.9 for k in range(len(ACTORS))))
    tail = ACTORS[10:]
    rng.shuffle(tail)  # keep the big names on top, shuffle the long tail
    actor_order = ACTORS[:10] + tail
    unlisted_cum = list(accumulate(1.0 / (k + 1) for k in range(len(UNLISTED))))

    # Sentence frames, pre-split around the placeholder for speed.
    term_frames = [(f.split("{t}")[0], f.split("{t}")[1]) for f in FRAMES]
    actor_frames = [(f.split("{a}")[0], f.split("{a}")[1]) for f in ACTOR_FRAMES]

    check = []  # (title, text, [(sentence_index, start, end, matched)]) for a sample
    relevance_choices = [
        json.dumps(x)
        for x in (
            ["Cambodia"],
            ["Phnom Penh"],
            ["Cambodia", "Phnom Penh"],
            ["Hun Manet"],
            ["Cambodian"],
            ["Siem Reap", "Cambodia"],
            ["Sihanoukville"],
        )
    ]

    art_rows: list[tuple] = []
    af_rows: list[tuple] = []
    tm_rows: list[tuple] = []
    ac_rows: list[tuple] = []
    am_rows: list[tuple] = []
    aa_rows: list[tuple] = []
    un_rows: list[tuple] = []
    tm_id = 0
    am_id = 0
    rnd = rng.random
    gauss = rng.gauss
    last_report = time.perf_counter()

    def flush():
        put(schema.articles, art_rows)
        put(schema.article_feeds, af_rows)
        put(schema.term_matches, tm_rows)
        put(schema.article_categories, ac_rows)
        put(schema.actor_mentions, am_rows)
        put(schema.article_actors, aa_rows)
        put(schema.unlisted_names, un_rows)
        w.commit()
        for rows in (art_rows, af_rows, tm_rows, ac_rows, am_rows, aa_rows, un_rows):
            rows.clear()

    for idx in range(n_articles):
        aid = idx + 1
        day_no = days_sorted[idx]
        day = first_day + timedelta(days=day_no)
        published = datetime(day.year, day.month, day.day) + timedelta(seconds=int(rnd() * 86400))
        if published > now:
            published = now - timedelta(seconds=int(rnd() * 3600))
            day = published.date()
        fetched = min(now, published + timedelta(seconds=int(60 + rnd() * 6 * 3600)))
        fi = _weighted(rng, feed_cum)
        fname, host, _vol, flang, _st = FEEDS[fi]
        feed_id = fi + 1

        r = rnd()
        relevant = None if r < 0.02 else (0 if r < 0.15 else 1)
        khmer = flang == "km" and rnd() < 0.85
        language = "km" if khmer else (flang if rnd() < 0.97 else None)
        event = day_no in event_days

        sentences: list[str] = []  # text sentences; sentence index = position + 1
        terms_here: list[tuple[str, str, float, int, int, int]] = []
        mentions_here: list[tuple[str, int, int, int]] = []
        if khmer:
            title = KHMER_TITLES[int(rnd() * len(KHMER_TITLES))]
            for _ in range(2 + int(rnd() * 3)):
                sentences.append(KHMER_SENTENCES[int(rnd() * len(KHMER_SENTENCES))])
            text = "".join(sentences)
            risk = 0.0 if relevant is not None else None
            cats: list[str] = []
            actors: list[str] = []
        else:
            # Risk: mostly low, long tail; events push it up; irrelevant stays low.
            if relevant is None:
                risk = None
            else:
                base = rnd() ** (2.6 if not event else 1.6)
                risk = round(min(100.0, base * 100 * (0.35 if relevant == 0 else 1.0)), 2)
            ncat = 0 if not risk or risk < 3 else min(3, 1 + int(risk / 28 + rnd() * 0.8))
            cats = []
            while len(cats) < ncat:
                c = CATEGORIES[_weighted(rng, cat_cum)]
                if c not in cats:
                    cats.append(c)
            nact = _weighted(rng, ACTOR_COUNT_CUM) if relevant != 0 else 0
            actors = []
            while len(actors) < nact:
                a = actor_order[_weighted(rng, actor_cum)]
                if a not in actors:
                    actors.append(a)
            for c in cats:
                for _ in range(1 + (rnd() < 0.35)):
                    term, weight = TERMS[c][int(rnd() * len(TERMS[c]))]
                    pre, post = term_frames[int(rnd() * len(term_frames))]
                    matched = term.capitalize() if not pre else term
                    sentences.append(pre + matched + post + ".")
                    terms_here.append((c, term, matched, weight, len(sentences), len(pre)))
            for a in actors:
                for _ in range(1 + (rnd() < 0.25)):
                    pre, post = actor_frames[int(rnd() * len(actor_frames))]
                    sentences.append(pre + a + post + ".")
                    mentions_here.append((a, len(sentences), len(pre), len(pre) + len(a)))
            for _ in range(1 + int(rnd() * 2)):
                sentences.append(FILLER[int(rnd() * len(FILLER))] + ".")
            if relevant == 0:
                title = OFFTOPIC_HEADS[int(rnd() * len(OFFTOPIC_HEADS))]
            elif cats and actors:
                title = (
                    f"{actors[0]} {HEAD_VERBS[int(rnd() * len(HEAD_VERBS))]} "
                    f"{TERMS[cats[0]][int(rnd() * len(TERMS[cats[0]]))][0]}"
                )
            elif cats:
                title = (
                    f"Reports of {TERMS[cats[0]][int(rnd() * len(TERMS[cats[0]]))][0]} "
                    f"in {PROVINCES[int(rnd() * len(PROVINCES))]}"
                )
            else:
                title = NEUTRAL_HEADS[int(rnd() * len(NEUTRAL_HEADS))]
            text = " ".join(sentences)

        slug = _slug(title)
        url = f"https://{host}/{day.year}/{day.month:02d}/{slug}-{aid}"
        link = url + ("?utm_source=rss" if rnd() < 0.3 else "")
        fingerprint = hashlib.sha256(title.lower().encode()).hexdigest()
        summary = "<p>" + " ".join(sentences[:2]) + "</p>"
        n_sent = len(sentences) + 1

        if relevant is None:
            sentiment = pos = neg = neu = None
            scored_at = lexv = rel_terms = None
            sentence_count = None
        else:
            if khmer:
                sentiment = pos = neg = neu = None
            else:
                sentiment = max(-1.0, min(1.0, gauss(0.1 - (risk or 0) / 80, 0.3)))
                neg = round(min(1.0, max(0.0, 0.2 + (risk or 0) / 150 + gauss(0, 0.1))), 3)
                pos = round(min(1.0 - neg, max(0.0, 0.25 + gauss(0, 0.1))), 3)
                neu = round(1.0 - pos - neg, 3)
                sentiment = round(sentiment, 4)
            scored_at = _ts(fetched + timedelta(seconds=int(1 + rnd() * 30)))
            age = (now - published).days
            lexv = LEXICON_VERSIONS[0 if age < 200 else 1 if age < 600 else 2]
            rel_terms = (
                json.dumps(["khmer-script"])
                if khmer
                else relevance_choices[int(rnd() * len(relevance_choices))]
                if relevant
                else "[]"
            )
            sentence_count = n_sent

        art_rows.append(
            (
                aid,
                url,
                link,
                fingerprint,
                title,
                feed_id,
                fname,
                _ts(published),
                day.isoformat(),
                1 if rnd() < 0.03 else 0,
                _ts(fetched),
                language,
                summary,
                text,
                "page" if rnd() < 0.15 else "summary",
                relevant,
                rel_terms,
                sentiment,
                pos,
                neg,
                neu,
                sentence_count,
                risk,
                scored_at,
                lexv,
            )
        )
        af_rows.append((aid, feed_id, link, f"{host}-{aid}", _ts(fetched)))
        if rnd() < 0.06:
            other = (fi + 1 + int(rnd() * (len(FEEDS) - 1))) % len(FEEDS)
            af_rows.append(
                (
                    aid,
                    other + 1,
                    link,
                    None,
                    _ts(min(now, fetched + timedelta(minutes=int(5 + rnd() * 600)))),
                )
            )

        if relevant is not None and not khmer:
            per_cat: dict[str, list[float]] = {}
            for c, term, matched, weight, si, start in terms_here:
                tm_id += 1
                tm_rows.append(
                    (tm_id, aid, c, term, matched, weight, si, start, start + len(matched))
                )
                per_cat.setdefault(c, []).append(weight)
            total = sum(sum(v) for v in per_cat.values()) or 1.0
            for c, weights in per_cat.items():
                # Points: the category's share of the article's (0..100) risk score.
                ac_rows.append(
                    (aid, c, len(weights), round((risk or 0.0) * sum(weights) / total, 3))
                )
            per_actor: dict[str, list[float]] = {}
            for a, si, start, end in mentions_here:
                am_id += 1
                s = round(max(-1.0, min(1.0, (sentiment or 0.0) + gauss(0, 0.25))), 4)
                am_rows.append((am_id, aid, a, a, si, start, end, s))
                per_actor.setdefault(a, []).append(s)
            for a, ss in per_actor.items():
                aa_rows.append((aid, a, len(ss), round(sum(ss) / len(ss), 4)))
            if relevant and rnd() < 0.2:
                names = dict.fromkeys(
                    UNLISTED[_weighted(rng, unlisted_cum)] for _ in range(1 + (rnd() < 0.3))
                )
                for name in names:
                    un_rows.append(
                        (
                            aid,
                            name,
                            1 + int(rnd() * 3),
                            f"{name} told reporters the matter was not closed.",
                        )
                    )
            if len(check) < 200 and (terms_here or mentions_here) and rnd() < 0.05:
                ev = [(si, st, st + len(m), m) for _c, _t, m, _w, si, st in terms_here]
                ev += [(si, st, en, a) for a, si, st, en in mentions_here]
                check.append((title, text, ev))

        if len(art_rows) >= batch:
            flush()
            if time.perf_counter() - last_report > 10:
                last_report = time.perf_counter()
                log(f"  {aid:,} / {n_articles:,} articles ({time.perf_counter() - t0:.0f} s)")
    flush()
    log(f"  rows written in {time.perf_counter() - t0:.1f} s; rebuilding indexes...")
    w.finish(analyze)
    engine.dispose()
    _check_offsets(check, log)
    log(
        f"  done in {time.perf_counter() - t0:.1f} s: "
        + ", ".join(f"{k}={v:,}" for k, v in counts.items())
    )
    return counts


def _check_offsets(sample, log) -> None:
    """Compare evidence offsets with ``feeds.score.sentences`` when that exists."""
    try:
        from feeds.score import sentences  # type: ignore[attr-defined]
    except ImportError:
        log("  (feeds.score.sentences not importable: evidence offsets not cross-checked)")
        return
    bad = 0
    for title, text, evidence in sample:
        split = list(sentences(title, text))
        for si, start, end, expected in evidence:
            if si >= len(split) or split[si][start:end] != expected:
                bad += 1
    if bad:
        log(
            f"  WARNING: {bad} evidence offsets in a sample of {len(sample)} articles do not "
            "match feeds.score.sentences(title, text)"
        )
    else:
        log(f"  evidence offsets match feeds.score.sentences on {len(sample)} sample articles")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--db", required=True, help="SQLAlchemy URL (sqlite:///... or postgresql://...)"
    )
    ap.add_argument("--articles", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=20_000, help="articles per transaction")
    ap.add_argument(
        "--replace",
        action="store_true",
        help="delete the SQLite file / empty the PostgreSQL schema first",
    )
    ap.add_argument(
        "--analyze",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run ANALYZE afterwards (default: on PostgreSQL only)",
    )
    args = ap.parse_args(argv)
    if args.replace:
        reset_database(args.db)
    print(f"generating {args.articles:,} articles into {args.db}", flush=True)
    generate(
        args.db,
        args.articles,
        seed=args.seed,
        batch=args.batch,
        analyze=args.analyze,
        log=lambda m: print(m, flush=True),
    )


if __name__ == "__main__":
    main()
