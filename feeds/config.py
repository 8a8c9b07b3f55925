"""Settings and the feeds list.

Every limit the refresh job applies lives here as a named setting, so an operator can
read in one place what the job will and will not do to a hostile feed.

The feeds list is TOML with one ``[[feeds]]`` table per feed::

    [[feeds]]
    name = "Khmer Times"                  # unique, shown on the Sources page
    url = "https://www.khmertimeskh.com/feed/"
    full_text = false                     # true: fetch each linked page, extract its body
    language = "en"                       # optional: the feed's language (ISO 639-1)
    enabled = true                        # optional, default true
    always_relevant = false               # optional: treat every entry as about Cambodia
    backfill = "auto"                     # optional: how `backfill` finds past articles:
                                          # wordpress | feed-pages | sitemap | gdelt | auto
                                          # | none (default "auto")
    backfill_delay = 2.0                  # optional: seconds between two backfill requests
                                          # to this feed's host (default: --delay, 2 s)
    backfill_site = "https://example.org/"  # optional: the outlet's site, for history,
                                          # when the feed lives elsewhere (Google News)

A top-level ``allow_private = ["10.0.0.0/8"]`` (and the environment variable
``CAMBODIA_RISK_ALLOW_PRIVATE``) lists the private networks an operator really means the
job to read from; every other private, loopback or reserved address is refused.

Unknown keys are errors, so a typo (``fulltext``) does not silently do nothing.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CAMBODIA_RISK_DATA", PROJECT_ROOT / "data"))
DEFAULT_CONFIG = DATA_DIR / "feeds.toml"
DEFAULT_DB_PATH = DATA_DIR / "cambodia-risk.db"
DEFAULT_DB_URL = f"sqlite:///{DEFAULT_DB_PATH}"
LEXICON_DIR = DATA_DIR / "lexicons"
DEMO_DIR = DATA_DIR / "demo"
DEFAULT_ALERTS = DATA_DIR / "alerts.toml"

ENV_CONFIG = "CAMBODIA_RISK_CONFIG"
ENV_DB = "CAMBODIA_RISK_DB"
ENV_ALLOW_PRIVATE = "CAMBODIA_RISK_ALLOW_PRIVATE"
ENV_GDELT_API = "CAMBODIA_RISK_GDELT_API"  # another DOC API address (a mirror, a test)
ENV_ALERTS = "CAMBODIA_RISK_ALERTS"
# The dashboard's address as the team reaches it; alert links and the brief point there.
ENV_PUBLIC_URL = "CAMBODIA_RISK_PUBLIC_URL"
# An owner-only TOML file of alert destinations (feeds/alerts/destinations.py).
ENV_DESTINATIONS = "CAMBODIA_RISK_DESTINATIONS"
# The browser that prints PDF briefs, when it is not on the PATH as chromium.
ENV_CHROMIUM = "CAMBODIA_RISK_CHROMIUM"

# A risk score at or above this makes an article "high-risk" on the dashboard and in the
# brief (the alert rules set their own thresholds).
HIGH_RISK = 60.0
ENV_LEXICONS = "CAMBODIA_RISK_LEXICONS"


def database_url() -> str:
    """The database URL every reader uses when none is given: $CAMBODIA_RISK_DB, else the
    default SQLite file (an empty variable counts as unset)."""
    return os.environ.get(ENV_DB) or DEFAULT_DB_URL


def lexicon_dir() -> Path:
    """The lexicon folder every reader uses: $CAMBODIA_RISK_LEXICONS, else LEXICON_DIR.

    The CLI's --lexicons option falls back to the same variable, so the commands and the
    dashboard always read the same files.
    """
    return Path(os.environ.get(ENV_LEXICONS) or LEXICON_DIR)

USER_AGENT = (
    "cambodia-risk/0.1 (+https://github.com/cambodia-risk/cambodia-risk; "
    "political-risk feed monitor)"
)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class FetchLimits:
    """What one fetch may cost. Defaults suit news feeds; tests shrink them."""

    connect_timeout: float = 10.0  # seconds to open the TCP/TLS connection
    read_timeout: float = 20.0  # seconds of silence between two reads
    total_timeout: float = 60.0  # wall-clock seconds for the whole response
    max_bytes: int = 15 * 1024 * 1024  # body cap, counted after decompression
    max_redirects: int = 5
    global_concurrency: int = 64  # requests in flight across all hosts
    per_host_concurrency: int = 4  # requests in flight to one host
    user_agent: str = USER_AGENT
    # Private networks this job may connect to (feeds.ingest.netpolicy refuses every
    # other non-public address). None: read CAMBODIA_RISK_ALLOW_PRIVATE when fetching.
    allow_private: tuple[Network, ...] | None = None


@dataclass(frozen=True)
class HealthPolicy:
    """How the refresh job treats feeds that keep failing."""

    # After N consecutive failures a feed waits backoff_base * 2**(N-1), capped, before
    # it is tried again. --force ignores the wait.
    backoff_base_minutes: float = 30.0
    backoff_max_hours: float = 24.0
    # Retry-After longer than this is capped, so a hostile header cannot park a feed forever.
    retry_after_max_hours: float = 24.0


@dataclass(frozen=True)
class DedupPolicy:
    """When two entries under different URLs are one syndicated story."""

    window_days: float = 4.0  # published within this many days of each other
    min_text_similarity: float = 0.6  # word-shingle Jaccard of their clean texts


@dataclass(frozen=True)
class BackfillPolicy:
    """How politely ``backfill`` walks a site's history (see feeds/ingest/backfill)."""

    delay: float = 2.0  # seconds between two requests to one host (--delay, backfill_delay)
    gdelt_interval: float = 5.0  # the GDELT DOC API asks for at most one request per 5 s
    wordpress_window_days: int = 7  # date window of one WordPress REST walk (a checkpoint)
    gdelt_window_days: int = 1  # the DOC API returns at most 250 records per query
    sitemap_window_days: int = 31  # sitemap pages are grouped by month of lastmod
    max_pages: int = 1000  # pages walked in one window or feed, whatever a site claims
    retries: int = 5  # answers of 429/503 in a row before a host is given up for the run
    max_retry_after: float = 600.0  # a longer Retry-After ends the feed's run instead
    page_fetches: int = 5000  # article pages fetched per feed and run (sitemap, gdelt)
    gdelt_api: str = field(default_factory=lambda: os.environ.get(
        ENV_GDELT_API, "https://api.gdeltproject.org/api/v2/doc/doc"))
    gdelt_reach_days: int = 90  # the DOC API searches a rolling window of about 3 months


BACKFILL_METHODS = ("wordpress", "feed-pages", "sitemap", "gdelt")
BACKFILL_CHOICES = (*BACKFILL_METHODS, "auto", "none")


@dataclass
class FeedConfig:
    name: str
    url: str
    full_text: bool = False
    language: str | None = None
    enabled: bool = True
    always_relevant: bool = False
    backfill: str = "auto"  # one of BACKFILL_CHOICES
    backfill_delay: float | None = None  # None: the run's delay
    backfill_site: str | None = None  # the outlet's site when the feed is hosted elsewhere


# Seconds between two checks that a run still holds its PostgreSQL lock (each write
# turn checks too).
LOCK_HEARTBEAT_SECONDS = 5.0


@dataclass
class Settings:
    db_url: str = DEFAULT_DB_URL
    config_path: Path = DEFAULT_CONFIG
    lexicon_dir: Path = LEXICON_DIR
    fetch: FetchLimits = field(default_factory=FetchLimits)
    health: HealthPolicy = field(default_factory=HealthPolicy)
    dedup: DedupPolicy = field(default_factory=DedupPolicy)
    backfill: BackfillPolicy = field(default_factory=BackfillPolicy)
    # Article pages fetched per full-text feed and run; the rest keep their summaries.
    full_text_per_feed: int = 30
    # Processes for parsing, extraction and scoring; 0 runs them on the event loop.
    workers: int = field(default_factory=lambda: min(4, os.cpu_count() or 1))
    lock_heartbeat: float = LOCK_HEARTBEAT_SECONDS


class ConfigError(ValueError):
    """A feeds list that cannot be used; the message names the feed and the field."""


@dataclass
class FeedsFile:
    """A feeds file: its feeds and the private networks it allows."""

    feeds: list[FeedConfig]
    allow_private: tuple[Network, ...] = ()


def parse_networks(values: object, where: str) -> tuple[Network, ...]:
    """Networks such as "10.0.0.0/8" or "fd00::/8" (a bare address is one host).

    ``where`` names the setting in the error, so a typo points at the right place.
    """
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ConfigError(f"{where}: expected a list of networks such as \"10.0.0.0/8\"")
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip()))
        except ValueError as exc:
            raise ConfigError(f"{where}: {value.strip()!r} is not a network ({exc})") from None
    return tuple(networks)


def allow_private_from_env() -> tuple[Network, ...]:
    """The networks listed in CAMBODIA_RISK_ALLOW_PRIVATE (comma-separated), if any."""
    raw = os.environ.get(ENV_ALLOW_PRIVATE, "")
    values = [v for v in raw.split(",") if v.strip()]
    return parse_networks(values, f"environment variable {ENV_ALLOW_PRIVATE}")


_FIELDS = {
    "name": str,
    "url": str,
    "full_text": bool,
    "language": str,
    "enabled": bool,
    "always_relevant": bool,
    "backfill": str,
    "backfill_delay": (int, float),
    "backfill_site": str,
}
_REQUIRED = ("name", "url")
# Longest feed name: the database stores names in 200-character columns (feeds.name,
# articles.source), so a longer one is refused here, at load time, not mid-run.
MAX_NAME_CHARS = 200
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def load_feeds(path: Path | str) -> list[FeedConfig]:
    """Read and validate a feeds list; raise ConfigError with the feed and field at fault."""
    return load_feeds_file(path).feeds


def load_feeds_file(path: Path | str) -> FeedsFile:
    """Read and validate a feeds file, its top-level settings included."""
    raw = read_toml(path, ConfigError, "feeds")
    allow = parse_networks(raw.get("allow_private", []), f"{path}: field 'allow_private'")
    return FeedsFile(parse_feeds(raw, source=str(path)), allow)


def read_toml(path: Path | str, error: type[Exception], what: str) -> dict:
    """A TOML file as a dict; ``error`` with a one-line reason when it is missing or bad."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: no such {what} file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None


def parse_feeds(raw: dict, source: str = "feeds config") -> list[FeedConfig]:
    tables = raw.get("feeds")
    extra = set(raw) - {"feeds", "allow_private"}
    if extra:
        raise ConfigError(f"{source}: unknown top-level key(s): {', '.join(sorted(extra))}")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{source}: expected at least one [[feeds]] table")
    feeds: list[FeedConfig] = []
    seen: set[str] = set()
    for index, table in enumerate(tables, start=1):
        label = f"feed #{index}"
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            shown = table["name"] if len(table["name"]) <= 60 else table["name"][:57] + "..."
            label = f"feed #{index} ({shown!r})"
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: {label}: expected a table")
        for key in table:
            if key not in _FIELDS:
                raise ConfigError(f"{source}: {label}: unknown field {key!r}")
        for key in _REQUIRED:
            if key not in table:
                raise ConfigError(f"{source}: {label}: missing required field {key!r}")
        for key, value in table.items():
            wanted = _FIELDS[key]
            if not isinstance(value, wanted) or (isinstance(value, bool) and wanted is not bool):
                kind = "a number" if isinstance(wanted, tuple) else wanted.__name__
                raise ConfigError(
                    f"{source}: {label}: field {key!r} must be {kind}, "
                    f"got {type(value).__name__}"
                )
        name = table["name"].strip()
        if not name:
            raise ConfigError(f"{source}: {label}: field 'name' is empty")
        if len(name) > MAX_NAME_CHARS:
            raise ConfigError(f"{source}: {label}: field 'name' is {len(name)} characters "
                              f"long (at most {MAX_NAME_CHARS})")
        if any(unicodedata.category(ch) == "Cc" for ch in name):
            raise ConfigError(f"{source}: {label}: field 'name' contains a control character")
        if name in seen:
            raise ConfigError(f"{source}: {label}: field 'name' repeats an earlier feed")
        seen.add(name)
        url = table["url"].strip()
        for key in ("url", "backfill_site"):
            value = table.get(key)
            if value is not None and not re.match(r"^https?://[^\s/]+", value.strip()):
                raise ConfigError(
                    f"{source}: {label}: field {key!r} must be an http(s) URL, got {value!r}")
        language = table.get("language")
        if language is not None and not _LANG_RE.match(language):
            raise ConfigError(
                f"{source}: {label}: field 'language' must be an ISO 639 code such as 'en' "
                f"or 'km', got {language!r}"
            )
        backfill = table.get("backfill", "auto")
        if backfill not in BACKFILL_CHOICES:
            raise ConfigError(
                f"{source}: {label}: field 'backfill' must be one of "
                f"{', '.join(BACKFILL_CHOICES)}, got {backfill!r}"
            )
        delay = table.get("backfill_delay")
        if delay is not None and not 0 <= delay <= 3600:
            raise ConfigError(
                f"{source}: {label}: field 'backfill_delay' must be between 0 and 3600 "
                f"seconds, got {delay!r}"
            )
        feeds.append(
            FeedConfig(
                name=name,
                url=url,
                full_text=table.get("full_text", False),
                language=language,
                enabled=table.get("enabled", True),
                always_relevant=table.get("always_relevant", False),
                backfill=backfill,
                backfill_delay=float(delay) if delay is not None else None,
                backfill_site=_site(table.get("backfill_site")),
            )
        )
    return feeds


def _site(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value if value.endswith("/") else value + "/"
