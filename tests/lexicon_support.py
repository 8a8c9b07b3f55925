"""Small lexicon files written for one test, and the helpers that load them.

Imported as a top-level module (pyproject's pytest ``pythonpath`` puts tests/ on the path)
by the lexicon and gazetteer tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feeds.lexicon import LexiconError, load_lexicons

TERMS = """
[categories.arrests_legal]
label = "Arrests"
description = "Arrests and charges."

[[categories.arrests_legal.terms]]
term = "arrest"
weight = 3.0
exclude = ["cardiac arrest"]
km = ["ចាប់ខ្លួន"]
"""

ACTORS = """
honorifics = ["Samdech"]

[[actor]]
id = "cpp"
name = "Cambodian People's Party"
type = "party"
affiliation = "Cambodia"
aliases = ["CPP"]

[[actor]]
id = "hun-sen"
name = "Hun Sen"
type = "person"
affiliation = "cpp"
roles = [{ title = "Prime Minister", from = 1985-01-14, to = 2023-08-22 }]
"""

PLACES = """
[[place]]
name = "Phnom Penh"
kind = "capital"
iso = "KH-12"
km = ["ភ្នំពេញ"]

[[place]]
name = "Poipet"
kind = "border_crossing"
province = "Battambang"
"""
# The loader wants all 25 provincial-level units, each with its ISO 3166-2:KH code.
_PROVINCES = (
    "Banteay_Meanchey Battambang Kampong_Cham Kampong_Chhnang Kampong_Speu Kampong_Thom "
    "Kampot Kandal Koh_Kong Kratie Mondulkiri - Preah_Vihear Prey_Veng Pursat Ratanakiri "
    "Siem_Reap Preah_Sihanouk Stung_Treng Svay_Rieng Takeo Oddar_Meanchey Kep Pailin "
    "Tbong_Khmum"
).split()
PLACES += "".join(
    f'\n[[place]]\nname = "{name.replace("_", " ")}"\nkind = "province"\niso = "KH-{n}"\n'
    for n, name in enumerate(_PROVINCES, start=1)
    if name != "-"
)

SENTIMENT = """
[words]
party = 0
"""


def write(tmp_path: Path, **files: str) -> Path:
    contents = {"terms": TERMS, "actors": ACTORS, "places": PLACES, "sentiment": SENTIMENT}
    contents.update(files)
    for name, text in contents.items():
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    return tmp_path


def error(tmp_path: Path, **files: str) -> str:
    with pytest.raises(LexiconError) as info:
        load_lexicons(write(tmp_path, **files))
    return str(info.value)
