"""Alert rules as data: load ``alerts.toml`` and validate every rule on load.

The file's own header (``data/alerts.toml``) documents the format for analysts; this
module is its contract. Unknown fields are errors, so a typo never silently does
nothing, and every error names the file, the rule and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feeds.config import ConfigError, read_toml
from feeds.store.dimensions import DIMENSIONS

KINDS = ("surge", "watch", "high_risk", "silence", "brief")
MEASURES = ("count", "mean_risk")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_SCHEDULE = re.compile(
    r"^\s*every\s+(day|" + "|".join(WEEKDAYS) + r")\s+(\d{1,2}):(\d{2})(?:\s+(\S+))?\s*$",
    re.IGNORECASE,
)


class AlertRulesError(ConfigError):
    """An alerts file that cannot be used; the message names the rule and the field.
    A ConfigError, so every command maps it to exit code 2."""


@dataclass(frozen=True)
class Schedule:
    """"every Monday 07:00 Asia/Phnom_Penh": a weekday (None = every day), a time, a zone."""

    weekday: int | None
    at: time
    zone: str = "UTC"

    def __str__(self) -> str:
        day = "day" if self.weekday is None else WEEKDAYS[self.weekday].title()
        return f"every {day} {self.at:%H:%M} {self.zone}"


@dataclass(frozen=True)
class Rule:
    """One validated rule. Fields that do not apply to its kind keep their defaults."""

    name: str
    kind: str
    destinations: tuple[str, ...]
    window: timedelta = timedelta(hours=24)
    cooldown: timedelta | None = None  # None: the window (surge), forever (articles)
    enabled: bool = True
    # surge
    by: str = "category"
    only: tuple[str, ...] = ()
    measure: str = "count"
    baseline: timedelta = timedelta(days=28)
    min_ratio: float = 2.0
    min_count: int = 3
    # watch / high_risk
    actors: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    min_risk: float = 0.0
    threshold: float = 70.0
    # silence
    after: timedelta = timedelta(hours=12)
    feeds: tuple[str, ...] = ()
    # brief
    schedule: Schedule | None = None

    @property
    def effective_cooldown(self) -> timedelta:
        return self.cooldown if self.cooldown is not None else self.window

    def describe(self) -> str:
        """When the rule fires, in words (the Alerts page lists the rules with it)."""
        window = _words(self.window)
        if self.kind == "surge":
            what = "mean risk" if self.measure == "mean_risk" else "articles"
            only = f" ({', '.join(self.only)})" if self.only else ""
            return (f"a {self.by}{only} whose {what} in the last {window} reach "
                    f"{self.min_ratio:g}× the {_words(self.baseline)} baseline, with at "
                    f"least {self.min_count} articles")
        if self.kind == "watch":
            listed = ", ".join([*self.actors, *self.terms, *self.provinces, *self.sources])
            risk = f" with risk ≥ {self.min_risk:g}" if self.min_risk else ""
            return f"a new article (last {window}) naming {listed}{risk}"
        if self.kind == "high_risk":
            return f"a new article (last {window}) with risk ≥ {self.threshold:g}"
        if self.kind == "silence":
            feeds = ", ".join(self.feeds) if self.feeds else "any feed"
            return f"{feeds} failing or bringing nothing new for {_words(self.after)}"
        return f"the weekly brief, {self.schedule}"


@dataclass(frozen=True)
class Settings:
    """The file's optional ``[settings]`` table: how deliveries are retried and expire."""

    retry_first: timedelta = timedelta(minutes=5)  # wait after the first failure
    retry_max: timedelta = timedelta(hours=6)  # the wait doubles up to this
    expire_after: timedelta = timedelta(days=3)  # undelivered this long: given up


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...] = ()
    settings: Settings = field(default_factory=Settings)
    source: str = ""

    def by_name(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.name == name), None)


def _words(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def parse_duration(value: str) -> timedelta:
    """"90s", "30m", "24h", "7d" or "2w" as a timedelta; ValueError otherwise."""
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"{value!r} is not a duration like 30m, 24h, 7d or 2w")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def parse_schedule(value: str) -> Schedule:
    """"every Monday 07:00 Asia/Phnom_Penh" or "every day 18:30" (UTC when no zone)."""
    match = _SCHEDULE.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(
            f"{value!r} is not a schedule like 'every Monday 07:00 Asia/Phnom_Penh'"
        )
    day, hour, minute, zone = match.groups()
    if int(hour) > 23 or int(minute) > 59:
        raise ValueError(f"{value!r}: no such time of day")
    zone = zone or "UTC"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r}: unknown time zone {zone!r}") from None
    weekday = None if day.lower() == "day" else WEEKDAYS.index(day.lower())
    return Schedule(weekday, time(int(hour), int(minute)), zone)


_COMMON = {"name", "kind", "destinations", "enabled"}
_FIELDS = {
    "surge": _COMMON | {"by", "only", "measure", "window", "baseline", "min_ratio",
                        "min_count", "cooldown"},
    "watch": _COMMON | {"actors", "terms", "provinces", "sources", "min_risk", "window"},
    "high_risk": _COMMON | {"threshold", "sources", "window"},
    "silence": _COMMON | {"after", "feeds", "cooldown"},
    "brief": _COMMON | {"schedule"},
}
_SETTINGS = {"retry_first", "retry_max", "expire_after"}
_DURATIONS = {"window", "baseline", "cooldown", "after", "retry_first", "retry_max",
              "expire_after"}
_LISTS = {"destinations", "only", "actors", "terms", "provinces", "sources", "feeds"}
_NUMBERS = {"min_ratio", "min_risk", "threshold"}


def load_rules(path: Path | str) -> RuleSet:
    """Read and validate an alerts file; AlertRulesError names the rule and field."""
    return parse_rules(read_toml(path, AlertRulesError, "alerts"), source=str(path))


def parse_rules(raw: dict, source: str = "alerts") -> RuleSet:
    extra = set(raw) - {"rules", "settings"}
    if extra:
        raise AlertRulesError(f"{source}: unknown top-level key(s): {', '.join(sorted(extra))}")
    settings = _settings(raw.get("settings", {}), source)
    tables = raw.get("rules", [])
    if not isinstance(tables, list):
        raise AlertRulesError(f"{source}: 'rules' must be [[rules]] tables")
    rules: list[Rule] = []
    for index, table in enumerate(tables, start=1):
        rule = _rule(table, f"{source}: rule #{index}")
        if any(r.name == rule.name for r in rules):
            raise AlertRulesError(
                f"{source}: rule #{index} ({rule.name!r}): field 'name' repeats an earlier rule"
            )
        rules.append(rule)
    return RuleSet(tuple(rules), settings, source)


def _settings(table, source: str) -> Settings:
    if not isinstance(table, dict):
        raise AlertRulesError(f"{source}: [settings] must be a table")
    values = {}
    for key, value in table.items():
        if key not in _SETTINGS:
            raise AlertRulesError(f"{source}: [settings]: unknown field {key!r}")
        try:
            values[key] = parse_duration(value)
        except ValueError as exc:
            raise AlertRulesError(f"{source}: [settings]: field {key!r}: {exc}") from None
    return Settings(**values)


def _rule(table, label: str) -> Rule:
    if not isinstance(table, dict):
        raise AlertRulesError(f"{label}: expected a table")
    if isinstance(table.get("name"), str):
        label = f"{label} ({table['name']!r})"

    def bad(key: str, why: str) -> AlertRulesError:
        return AlertRulesError(f"{label}: field {key!r}: {why}")

    for key in ("name", "kind", "destinations"):
        if key not in table:
            raise AlertRulesError(f"{label}: missing required field {key!r}")
    kind = table["kind"]
    if kind not in KINDS:
        raise bad("kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
    for key in table:
        if key not in _FIELDS[kind]:
            raise AlertRulesError(f"{label}: unknown field {key!r} for a {kind} rule")
    if kind == "brief" and "schedule" not in table:
        raise AlertRulesError(f"{label}: missing required field 'schedule'")

    values: dict = {}
    for key, value in table.items():
        if key in _DURATIONS:
            try:
                values[key] = parse_duration(value)
            except ValueError as exc:
                raise bad(key, str(exc)) from None
        elif key in _LISTS:
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                raise bad(key, "must be a list of non-empty strings")
            values[key] = tuple(v.strip() for v in value)
        elif key in _NUMBERS:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise bad(key, f"must be a number of at least 0, got {value!r}")
            values[key] = float(value)
        elif key in ("min_count",):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise bad(key, f"must be a whole number of at least 1, got {value!r}")
            values[key] = value
        elif key == "enabled":
            if not isinstance(value, bool):
                raise bad(key, "must be true or false")
            values[key] = value
        elif key == "schedule":
            try:
                values[key] = parse_schedule(value)
            except ValueError as exc:
                raise bad(key, str(exc)) from None
        else:  # name, kind, by, measure: strings
            if not isinstance(value, str):
                raise bad(key, f"must be a string, got {type(value).__name__}")
            values[key] = value.strip()

    if not _NAME.match(values["name"]):
        raise bad("name", "use letters, digits, '-', '_' or '.' (at most 120)")
    if not values["destinations"]:
        raise bad("destinations", "name at least one destination")
    for dest in values["destinations"]:
        if not _NAME.match(dest):
            raise bad("destinations", f"{dest!r} is not a destination name (letters, "
                      "digits, '-', '_', '.'); URLs belong in the environment, not here")
    if values.get("by", "category") not in DIMENSIONS:
        raise bad("by", f"must be one of {', '.join(DIMENSIONS)}, got {values['by']!r}")
    if values.get("measure", "count") not in MEASURES:
        raise bad("measure", f"must be one of {', '.join(MEASURES)}, got {values['measure']!r}")
    if kind == "watch" and not any(values.get(k) for k in ("actors", "terms", "provinces",
                                                           "sources")):
        raise AlertRulesError(
            f"{label}: a watch rule needs at least one of actors, terms, provinces, sources"
        )
    if "threshold" in values and values["threshold"] > 100:
        raise bad("threshold", "risk scores run from 0 to 100")
    if kind == "surge" and values.get("min_ratio", 2.0) <= 1.0:
        raise bad("min_ratio", "must be above 1 (a surge is more than the baseline)")
    return Rule(**values)
