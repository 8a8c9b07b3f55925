"""The brief as one self-contained HTML file, or Markdown with its images beside it.

HTML: the CSS and the chart images (PNG data URIs) are inside the file, so it opens
offline, attaches to an e-mail whole, and prints cleanly (print rules keep tables and
figures from splitting across pages). Feed text is untrusted: every title and source
is escaped, and only http(s) links become clickable.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from urllib.parse import urlencode

from feeds.brief.data import Figures, movers
from feeds.text import md_escape

CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f;
       max-width: 760px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; } h2 { font-size: 1.2em; margin-top: 1.6em;
     border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.sub { color: #666; margin-top: 0; } .summary { font-size: 1.05em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { text-align: left; padding: 0.25em 0.5em; border-bottom: 1px solid #eee; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.kpis { display: flex; gap: 1em; } .kpi { flex: 1; border: 1px solid #ddd;
        border-radius: 6px; padding: 0.5em 0.8em; }
.kpi b { display: block; font-size: 1.5em; } .up { color: #b3261e; } .down { color: #1b6e3a; }
img { max-width: 100%; height: auto; } a { color: #0b57d0; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; } table, figure, .kpis { break-inside: avoid; }
  a { color: inherit; text-decoration: none; } }
@page { size: A4; margin: 16mm; }
"""


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def safe_link(url: str | None) -> str | None:
    """The link if it is http(s); feed links are untrusted (no javascript: URLs)."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


def _change(now: float, before: float, fmt: str = "{:+,.0f}") -> str:
    diff = now - before
    cls = "up" if diff > 0 else "down" if diff < 0 else ""
    return f'<span class="{cls}">{_e(fmt.format(diff))}</span>'


def dashboard_view(public_url: str | None, fig: Figures) -> str | None:
    if not public_url:
        return None
    query = urlencode({"start": fig.start.isoformat(), "end": fig.end.isoformat()})
    return f"{public_url.rstrip('/')}/?{query}"


def _rows(df, key: str, label: str | None = None) -> str:
    out = []
    for row in df.itertuples():
        name = getattr(row, label or key)
        out.append(f"<tr><td>{_e(name)}</td><td class='n'>{row.now:,}</td>"
                   f"<td class='n'>{row.before:,}</td>"
                   f"<td class='n'>{_change(row.now, row.before)}</td></tr>")
    return "".join(out)


def _table(df, key: str, label: str | None, heading: str) -> str:
    if df is None or df.empty:
        return "<p>None.</p>"
    return (f"<table><tr><th>{_e(heading)}</th><th class='n'>Articles</th>"
            f"<th class='n'>Before</th><th class='n'>Change</th></tr>"
            f"{_rows(df, key, label)}</table>")


def to_html(fig: Figures, summary: str, images: dict[str, bytes],
            public_url: str | None = None, title: str = "Cambodia risk brief") -> str:
    """The whole brief as one HTML document."""
    def img(name: str, alt: str) -> str:
        data = base64.b64encode(images[name]).decode()
        return f'<figure><img src="data:image/png;base64,{data}" alt="{_e(alt)}"></figure>'

    now, before = fig.now, fig.before
    kpis = "".join(
        f"<div class='kpi'>{_e(name)}<b>{value}</b>{_change(a, b, fmt)} on the period before"
        "</div>"
        for name, value, a, b, fmt in (
            ("Relevant articles", f"{now['articles']:,}", now["articles"], before["articles"],
             "{:+,.0f}"),
            ("Mean risk", f"{now['mean_risk']:.1f}", now["mean_risk"], before["mean_risk"],
             "{:+.1f}"),
            ("High-risk articles", f"{now['high_risk']:,}", now["high_risk"],
             before["high_risk"], "{:+,.0f}"),
        ))
    labels = dict(zip(fig.categories["key"], fig.categories["label"], strict=True))
    stories = []
    for s in fig.stories:
        link = safe_link(s["link"])
        name = f'<a href="{_e(link)}">{_e(s["title"])}</a>' if link else _e(s["title"])
        stories.append(f"<tr><td>{name}<br><small>{_e(s['source'])} · "
                       f"{s['published']:%d %b %H:%M} UTC · "
                       f"{_e(', '.join(labels.get(c, c) for c in s['categories']))}"
                       f"</small></td><td class='n'>{s['risk']:.0f}</td></tr>")
    rising, falling = movers(fig.actors)
    view = dashboard_view(public_url, fig)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta name='viewport' content='width=device-width'><title>{_e(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1><p class='sub'>{fig.start:%A %d %B %Y} to "
        f"{fig.end:%A %d %B %Y}, compared with {fig.prev_start:%d %b} to "
        f"{fig.prev_end:%d %b %Y}</p>",
        f"<p class='summary'>{_e(summary)}</p>",
        f"<div class='kpis'>{kpis}</div>",
        "<h2>Risk index</h2>", img("risk", "Daily mean risk and its 7-day mean"),
        "<h2>Top stories</h2>",
        ("<table><tr><th>Story</th><th class='n'>Risk</th></tr>" + "".join(stories)
         + "</table>") if stories else "<p>No articles in this period.</p>",
        "<h2>Risk categories</h2>", _table(fig.categories, "key", "label", "Category"),
        "<h2>Actors rising</h2>", _table(rising, "key", None, "Actor"),
        "<h2>Actors falling</h2>", _table(falling, "key", None, "Actor"),
        "<h2>Provinces</h2>",
        (img("places", "Articles by province") + _table(fig.places, "key", None, "Province"))
        if "places" in images else "<p>No place data in this database yet.</p>",
        "<h2>Feed coverage gaps</h2>",
        ("<ul>" + "".join(f"<li><b>{_e(g['feed'])}</b>: {_e(g['why'])}</li>" for g in fig.gaps)
         + "</ul>") if fig.gaps else "<p>Every feed delivered.</p>",
        (f"<p>Open this period in the dashboard: <a href='{_e(view)}'>{_e(view)}</a></p>"
         if view else ""),
        "<p class='sub'>Written by the Cambodia Risk Monitor from its stored articles; "
        "risk scores are explained on the dashboard's Articles page.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def to_markdown(fig: Figures, summary: str, image_path: Callable[[str], str | None],
                public_url: str | None = None, title: str = "Cambodia risk brief") -> str:
    """The brief in Markdown; ``image_path(name)`` gives each image's relative path."""
    def table(df, label, heading):
        if df is None or df.empty:
            return ["None."]
        lines = [f"| {heading} | Articles | Before | Change |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| {md_escape(getattr(r, label))} | {r.now:,} | {r.before:,} | "
                  f"{r.now - r.before:+,} |" for r in df.itertuples()]
        return lines

    now, before = fig.now, fig.before
    lines = [f"# {title}", "",
             f"{fig.start:%d %b} to {fig.end:%d %b %Y}, compared with {fig.prev_start:%d %b}"
             f" to {fig.prev_end:%d %b %Y}", "", md_escape(summary), "",
             f"- Relevant articles: {now['articles']:,} "
             f"({now['articles'] - before['articles']:+,})",
             f"- Mean risk: {now['mean_risk']:.1f} ({now['mean_risk'] - before['mean_risk']:+.1f})",
             f"- High-risk articles: {now['high_risk']:,} "
             f"({now['high_risk'] - before['high_risk']:+,})", "", "## Risk index", ""]
    if image_path("risk"):
        lines += [f"![Daily mean risk and its 7-day mean]({image_path('risk')})", ""]
    lines += ["## Top stories", ""]
    for s in fig.stories:
        link = safe_link(s["link"])
        name = f"[{md_escape(s['title'])}]({link})" if link else md_escape(s["title"])
        lines.append(f"- {name}: {md_escape(s['source'])}, risk {s['risk']:.0f}")
    rising, falling = movers(fig.actors)
    lines += ["", "## Risk categories", "", *table(fig.categories, "label", "Category"),
              "", "## Actors rising", "", *table(rising, "key", "Actor"),
              "", "## Actors falling", "", *table(falling, "key", "Actor"), "", "## Provinces", ""]
    if fig.places is not None and image_path("places"):
        lines += [f"![Articles by province]({image_path('places')})", "",
                  *table(fig.places, "key", "Province")]
    else:
        lines.append("No place data in this database yet.")
    lines += ["", "## Feed coverage gaps", ""]
    lines += [f"- **{md_escape(g['feed'])}**: {md_escape(g['why'])}" for g in fig.gaps] or [
        "Every feed delivered."]
    view = dashboard_view(public_url, fig)
    if view:
        lines += ["", f"Open this period in the dashboard: {view}"]
    return "\n".join(lines) + "\n"
