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

Unknown keys are errors, so a typo (``fulltext``) does not silently do nothing.
"""

from __future__ import annotations

import os
import re
import tomllib
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


@dataclass
class FeedConfig:
    name: str
    url: str
    full_text: bool = False
    language: str | None = None
    enabled: bool = True
    always_relevant: bool = False


@dataclass
class Settings:
    db_url: str = DEFAULT_DB_URL
    config_path: Path = DEFAULT_CONFIG
    lexicon_dir: Path = LEXICON_DIR
    fetch: FetchLimits = field(default_factory=FetchLimits)
    health: HealthPolicy = field(default_factory=HealthPolicy)
    dedup: DedupPolicy = field(default_factory=DedupPolicy)
    # Article pages fetched per full-text feed and run; the rest keep their summaries.
    full_text_per_feed: int = 30
    # Processes for parsing, extraction and scoring; 0 runs them on the event loop.
    workers: int = field(default_factory=lambda: min(4, os.cpu_count() or 1))


class ConfigError(ValueError):
    """A feeds list that cannot be used; the message names the feed and the field."""


_FIELDS = {
    "name": str,
    "url": str,
    "full_text": bool,
    "language": str,
    "enabled": bool,
    "always_relevant": bool,
}
_REQUIRED = ("name", "url")
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def load_feeds(path: Path | str) -> list[FeedConfig]:
    """Read and validate a feeds list; raise ConfigError with the feed and field at fault."""
    return parse_feeds(read_toml(path, ConfigError, "feeds"), source=str(path))


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
    extra = set(raw) - {"feeds"}
    if extra:
        raise ConfigError(f"{source}: unknown top-level key(s): {', '.join(sorted(extra))}")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{source}: expected at least one [[feeds]] table")
    feeds: list[FeedConfig] = []
    seen: set[str] = set()
    for index, table in enumerate(tables, start=1):
        label = f"feed #{index}"
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            label = f"feed #{index} ({table['name']!r})"
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: {label}: expected a table")
        for key in table:
            if key not in _FIELDS:
                raise ConfigError(f"{source}: {label}: unknown field {key!r}")
        for key in _REQUIRED:
            if key not in table:
                raise ConfigError(f"{source}: {label}: missing required field {key!r}")
        for key, value in table.items():
            if not isinstance(value, _FIELDS[key]):
                raise ConfigError(
                    f"{source}: {label}: field {key!r} must be {_FIELDS[key].__name__}, "
                    f"got {type(value).__name__}"
                )
        name = table["name"].strip()
        if not name:
            raise ConfigError(f"{source}: {label}: field 'name' is empty")
        if name in seen:
            raise ConfigError(f"{source}: {label}: field 'name' repeats an earlier feed")
        seen.add(name)
        url = table["url"].strip()
        if not re.match(r"^https?://[^\s/]+", url):
            raise ConfigError(f"{source}: {label}: field 'url' must be an http(s) URL, got {url!r}")
        language = table.get("language")
        if language is not None and not _LANG_RE.match(language):
            raise ConfigError(
                f"{source}: {label}: field 'language' must be an ISO 639 code such as 'en' "
                f"or 'km', got {language!r}"
            )
        feeds.append(
            FeedConfig(
                name=name,
                url=url,
                full_text=table.get("full_text", False),
                language=language,
                enabled=table.get("enabled", True),
                always_relevant=table.get("always_relevant", False),
            )
        )
    return feeds
