"""Backfill: fill the database with months of past articles from the feeds' sites.

A feed carries only its latest items; a site usually keeps its whole archive behind one
of four doors, which ``feeds.toml`` names per feed (``backfill = ...``):

``wordpress``   the WordPress REST API, walked by date windows (full text included);
``feed-pages``  the feed's older pages, ``?paged=N``;
``sitemap``     the XML sitemaps, then each article page;
``gdelt``       the GDELT DOC API's list of the site's articles, then each page;
``auto``        probes those in turn once and records what worked; ``none`` skips.

Everything goes through the refresh's pipeline (parse, full text, clean, dedup, score,
store), politely (``polite``), and resumably (``checkpoints``). Modules: ``run`` (the run),
one per method, ``pages`` (article pages), ``jobs`` (worker side), ``plan`` (--dry-run).
"""

from feeds.ingest.backfill.context import FeedReport, WindowEvent
from feeds.ingest.backfill.plan import plan_backfill
from feeds.ingest.backfill.run import PROBE_ORDER, probe, run_backfill
from feeds.ingest.backfill.summary import BackfillSummary

__all__ = ["PROBE_ORDER", "BackfillSummary", "FeedReport", "WindowEvent", "plan_backfill",
           "probe", "run_backfill"]
