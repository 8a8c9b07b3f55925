"""Where alerts go, and keeping those addresses secret.

A rule names its destinations ("team-slack"); the URL behind each name holds a token or
a password, so it never lives in the repository or the database. It comes from:

1. the environment: ``CAMBODIA_RISK_DEST_TEAM_SLACK=slack://T000/B000/XXXX`` (the name
   upper-cased, every other character an underscore), and for a signed webhook
   ``CAMBODIA_RISK_DEST_OPS_HOOK_SECRET=...``;
2. or a TOML file readable only by its owner (``chmod 600``), named by
   ``CAMBODIA_RISK_DESTINATIONS`` (default ``~/.config/cambodia-risk/destinations.toml``)::

       [destinations]
       team-slack = "slack://T000/B000/XXXX"
       ops-hook = { url = "webhook+https://ops.example/hook", secret = "long random" }

A URL starting ``webhook+http(s)://`` is our generic JSON webhook, signed with the
secret; any other URL goes to apprise (Slack, Teams, email via ``mailto://``, ...).

``Masker`` replaces every URL, secret and the tokens inside them with ``***``; every
error and log line about a delivery goes through it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from feeds.config import ENV_DESTINATIONS

ENV_PREFIX = "CAMBODIA_RISK_DEST_"
ENV_FILE = ENV_DESTINATIONS
DEFAULT_FILE = Path("~/.config/cambodia-risk/destinations.toml")
WEBHOOK_PREFIX = "webhook+"
MASK = "***"
_MIN_SECRET_PIECE = 8  # shorter path parts ("hooks", "api", "v1") are words, not tokens


class DestinationError(ValueError):
    """A destination that cannot be used; the message never contains its URL."""


@dataclass(frozen=True)
class Destination:
    name: str
    url: str = field(repr=False)
    secret: str | None = field(default=None, repr=False)

    @property
    def is_webhook(self) -> bool:
        return self.url.startswith(WEBHOOK_PREFIX)


def env_name(name: str) -> str:
    return ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def _pieces(url: str) -> set[str]:
    """The URL and the parts of it that could be a credential."""
    found = {url, url.removeprefix(WEBHOOK_PREFIX)}
    try:
        parts = urlsplit(url.removeprefix(WEBHOOK_PREFIX))
    except ValueError:
        return found
    credentials = {p for p in (parts.username, parts.password) if p}
    credentials |= {unquote(p) for p in credentials}
    found |= {seg for seg in parts.path.split("/") if seg}
    found |= {p for _, v in parse_qsl(parts.query) for p in (v, unquote(v))}
    host = parts.netloc.rsplit("@", 1)[-1].split(":")[0]
    if host and "." not in host and host != "localhost":
        found.add(host)  # slack://TOKENA/... keeps a token where a host goes
    return {p for p in found if len(p) >= _MIN_SECRET_PIECE} | credentials


class Masker:
    """Replace known secrets in any text; longest first, so a URL is masked whole."""

    def __init__(self, secrets: set[str] = frozenset()):
        self._secrets: set[str] = set()
        self._pattern: re.Pattern | None = None
        self.add(*secrets)

    def add(self, *secrets: str) -> None:
        self._secrets |= {s for s in secrets if s}
        ordered = sorted(self._secrets, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def __call__(self, text: object) -> str:
        text = str(text)
        return self._pattern.sub(MASK, text) if self._pattern else text


class MaskingFilter(logging.Filter):
    """Rewrites a library's log records through a mask (httpx logs every URL it posts to)."""

    def __init__(self, mask: Masker):
        super().__init__()
        self.mask = mask

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.mask(record.getMessage()), None
        return True


@contextlib.contextmanager
def masked_logs(mask: Masker, names=("httpx", "httpcore", "apprise", "urllib3")):
    """While sending, every record those libraries log passes through ``mask``."""
    filt = MaskingFilter(mask)
    loggers = [logging.getLogger(n) for n in names]
    for logger in loggers:
        logger.addFilter(filt)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(filt)


class Destinations:
    """Resolve destination names to URLs, and mask every URL it has handed out."""

    def __init__(self, environ: dict[str, str] | None = None, file: Path | None = None):
        self._env = dict(os.environ if environ is None else environ)
        path = file or self._env.get(ENV_FILE) or DEFAULT_FILE
        self._file = Path(path).expanduser()
        self._table: dict | None = None
        self.mask = Masker()
        # Mask every configured destination up front, used or not.
        for key, value in self._env.items():
            if key.startswith(ENV_PREFIX) and value:
                self.mask.add(*(_pieces(value) if not key.endswith("_SECRET") else {value}))

    def _file_table(self) -> dict:
        if self._table is not None:
            return self._table
        self._table = {}
        if not self._file.exists():
            return self._table
        info = self._file.stat()
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO) or info.st_uid != os.getuid():
            raise DestinationError(
                f"{self._file}: other users can read it (mode {stat.S_IMODE(info.st_mode):o})"
                " or it is not yours; run chmod 600 on it"
            )
        try:
            raw = tomllib.loads(self._file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise DestinationError(f"{self._file}: not valid TOML ({type(exc).__name__})") \
                from None
        table = raw.get("destinations", {})
        if not isinstance(table, dict):
            raise DestinationError(f"{self._file}: [destinations] must be a table")
        for name, value in table.items():
            url, secret = (value, None) if isinstance(value, str) else (
                value.get("url"), value.get("secret")) if isinstance(value, dict) else (None, None)
            if not isinstance(url, str) or not url:
                raise DestinationError(f"{self._file}: destination {name!r}: no url")
            self.mask.add(*_pieces(url))
            if secret:
                self.mask.add(str(secret))
            self._table[name] = Destination(name, url, str(secret) if secret else None)
        return self._table

    def get(self, name: str) -> Destination:
        """The destination called ``name``; DestinationError says how to configure it."""
        url = self._env.get(env_name(name))
        if url:
            dest = Destination(name, url.strip(), self._env.get(env_name(name) + "_SECRET"))
        else:
            dest = self._file_table().get(name)
        if dest is None:
            raise DestinationError(
                f"destination {name!r} is not configured: set {env_name(name)} or add it "
                f"to {self._file}"
            )
        if dest.is_webhook and not dest.secret:
            raise DestinationError(
                f"destination {name!r} is a webhook without a signing secret: set "
                f"{env_name(name)}_SECRET"
            )
        return dest
