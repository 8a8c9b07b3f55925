"""The weekly brief: the document an analyst sends on Monday morning, written for them.

``write_brief(engine, start, end, fmt, out)`` writes it as ``html`` (one self-contained
file), ``md`` (with its images in ``<out>_files/``) or ``pdf``. The parts:

* ``data``: the figures, from SQL (this period against the one before);
* ``summary``: the opening paragraph, generated from those figures;
* ``charts``: the risk index (and provinces) as PNG images, through vl-convert;
* ``render``: HTML and Markdown; ``pdf``: the HTML printed by headless Chromium.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from feeds.brief import charts
from feeds.brief.data import Figures, gather
from feeds.brief.errors import BriefError
from feeds.brief.render import to_html, to_markdown
from feeds.brief.summary import paragraph
from feeds.config import LEXICON_DIR

FORMATS = ("html", "md", "pdf")


@dataclass
class Brief:
    figures: Figures
    summary: str
    images: dict[str, bytes]

    def html(self, public_url: str | None = None) -> str:
        return to_html(self.figures, self.summary, self.images, public_url)

    def markdown(self, image_path, public_url: str | None = None) -> str:
        return to_markdown(self.figures, self.summary, image_path, public_url)


def last_full_week(today: date) -> tuple[date, date]:
    """Monday to Sunday of the last week that has ended."""
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=6)


def iso_week(value: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week written 2025-W31."""
    try:
        year, week = value.upper().split("-W")
        start = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise BriefError(f"{value!r} is not an ISO week like 2025-W31") from None
    return start, start + timedelta(days=6)


def build(engine: Engine, start: date, end: date, *, where=None,
          lexicon_dir: Path | None = None) -> Brief:
    """Gather the figures and render the images (``where``: extra article filters)."""
    with engine.connect() as conn:
        fig = gather(conn, start, end, where=where, lexicon_dir=lexicon_dir or LEXICON_DIR)
    images = {"risk": charts.png(charts.risk_index(fig.daily, start, end))}
    if fig.places is not None and not fig.places.empty:
        top = fig.places.sort_values("now", ascending=False).head(25)
        images["places"] = charts.png(charts.bars(top, "key", "Articles by province"))
    return Brief(fig, paragraph(fig), images)


def write_brief(engine: Engine, start: date, end: date, fmt: str, out: Path, *,
                public_url: str | None = None, where=None) -> Path:
    """Write the brief for ``start``..``end`` to ``out`` in ``fmt``; return ``out``."""
    if fmt not in FORMATS:
        raise BriefError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    if start > end:
        raise BriefError("the period starts after it ends")
    out = Path(out)
    if not out.parent.is_dir():
        raise BriefError(f"{out.parent}: no such folder")
    brief = build(engine, start, end, where=where)
    if fmt == "md":
        files = out.with_name(out.stem + "_files")
        files.mkdir(exist_ok=True)
        for name, data in brief.images.items():
            (files / f"{name}.png").write_bytes(data)
        out.write_text(brief.markdown(lambda n: f"{files.name}/{n}.png"
                                      if n in brief.images else None, public_url),
                       encoding="utf-8")
    elif fmt == "html":
        out.write_text(brief.html(public_url), encoding="utf-8")
    else:
        from feeds.brief.pdf import html_to_pdf

        html_to_pdf(brief.html(public_url), out)
    return out
