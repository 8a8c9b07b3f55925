"""Field checks shared by the four file parsers; each error names file, entry and field.

English and Khmer entries are keyed with ``feeds.text`` (the scorer looks them up by the
same keys), so duplicates and exclusions are judged exactly as matching will see them.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from feeds.lexicon.model import LexiconError
from feeds.text import has_khmer, has_latin, khmer_key, phrase_key, phrase_variants


def phrase_keys(phrase: str) -> list[str]:
    """Lookup keys of an English phrase: with a written hyphen also the closed form."""
    keys: list[str] = []
    for variant in phrase_variants(phrase):
        key = phrase_key(variant)
        if key not in keys:
            keys.append(key)
    return keys


class Where:
    def __init__(self, file: str, entry: str) -> None:
        self.file = file
        self.entry = entry

    def error(self, fieldname: str | None, message: str) -> LexiconError:
        where = f"{self.file}: {self.entry}"
        if fieldname:
            where += f": field {fieldname!r}"
        return LexiconError(f"{where}: {message}")


def check_fields(where: Where, table: Any, allowed: set[str], required: tuple[str, ...]):
    if not isinstance(table, dict):
        raise where.error(None, f"expected a table, got {type(table).__name__}")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise where.error(unknown[0], f"unknown field (allowed: {', '.join(sorted(allowed))})")
    for name in required:
        if name not in table:
            raise where.error(name, "missing required field")


def string(where: Where, table: dict, name: str, default: str | None = None) -> str:
    value = table.get(name, default)
    if not isinstance(value, str):
        raise where.error(name, f"must be a string, got {type(value).__name__}")
    value = value.strip()
    if not value and default is None:
        raise where.error(name, "must not be empty")
    return value


def strings(where: Where, table: dict, name: str) -> tuple[str, ...]:
    value = table.get(name, [])
    if not isinstance(value, list):
        raise where.error(name, f"must be a list of strings, got {type(value).__name__}")
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise where.error(name, f"must hold non-empty strings, got {item!r}")
        out.append(item.strip())
    return tuple(out)


def boolean(where: Where, table: dict, name: str, default: bool) -> bool:
    value = table.get(name, default)
    if not isinstance(value, bool):
        raise where.error(name, f"must be true or false, got {value!r}")
    return value


def english_keys(where: Where, name: str, phrase: str) -> list[str]:
    if has_khmer(phrase):
        raise where.error(name, f"{phrase!r} is Khmer script; put it under 'km'")
    try:
        return phrase_keys(phrase)
    except ValueError as exc:
        raise where.error(name, f"{phrase!r} {exc}") from None


def khmer_form(where: Where, name: str, phrase: str) -> str:
    if not has_khmer(phrase) or has_latin(phrase):
        raise where.error(name, f"{phrase!r} must be written in Khmer script only")
    return khmer_key(phrase)


def contains(words: list[str], part: list[str]) -> int:
    """Index where ``part`` occurs in ``words`` as consecutive words, or -1."""
    n = len(part)
    for i in range(len(words) - n + 1):
        if words[i : i + n] == part:
            return i
    return -1


def claim_khmer(where: Where, aliases: tuple[str, ...], seen: dict[str, str], owner: str,
                 noun: str, taken: str) -> None:
    """Record Khmer-script names for ``owner``; a name claimed twice is an error."""
    for alias in aliases:
        key = khmer_form(where, "km", alias)
        previous = seen.get(key)
        if previous:
            raise where.error(
                "km",
                f"duplicate {noun} {alias!r}"
                + ("" if previous == owner else f": already {taken} {previous!r}"),
            )
        seen[key] = owner


def expand_exclusion(where: Where, name: str, phrase: str, keys: list[str]) -> list[str]:
    """Exclusion keys: ``phrase`` with its entry replaced by each of the entry's forms.

    A hyphenated exclusion also has a closed form ("anticorruption unit"); forms that no
    longer contain the entry are skipped, but at least one must contain it.
    """
    out: list[str] = []
    for ek in english_keys(where, name, phrase):
        words = ek.split(" ")
        spot = None
        for key in sorted(keys, key=lambda k: -len(k.split(" "))):
            part = key.split(" ")
            i = contains(words, part)
            if i >= 0:
                spot = (i, len(part))
                break
        if spot is None:
            continue
        i, n = spot
        for key in keys:
            variant = " ".join(words[:i] + key.split(" ") + words[i + n :])
            if variant not in out:
                out.append(variant)
    if not out:
        raise where.error(name, f"{phrase!r} does not contain the entry or any of its forms")
    return out


def date_value(where: Where, name: str, value: Any, end: bool) -> date | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise where.error(name, f"must be a date (YYYY-MM-DD) or a year, got {value!r}")
    if isinstance(value, int):
        if not 1800 <= value <= 2200:
            raise where.error(name, f"year {value} is out of range")
        return date(value, 12, 31) if end else date(value, 1, 1)
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    raise where.error(name, f"must be a date (YYYY-MM-DD) or a year, got {value!r}")


def read_toml(directory: Path, name: str) -> tuple[dict, bytes]:
    path = directory / name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LexiconError(f"{name}: missing from {directory}") from None
    except OSError as exc:
        raise LexiconError(f"{name}: cannot be read: {exc}") from None
    try:
        return tomllib.loads(data.decode("utf-8")), data
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{name}: not UTF-8: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{name}: not valid TOML: {exc}") from None
