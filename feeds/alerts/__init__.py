"""Alerts: rules as data, evaluated against the database, delivered to the team.

The public face:

* ``load_rules(path)`` reads and validates ``alerts.toml`` (``rules``);
* ``run_alerts(engine, rules)`` evaluates, records and delivers (``run``);
* ``evaluate(conn, rules, now)`` says what would fire, reading only (``evaluate``);
* ``surge_counts`` / ``surge_table``: the surge test the dashboard shares (``surge``).

Names are loaded on first use: ``refresh`` checks its rules file before fetching, and
that must not pay for pandas and the evaluation code (a second refresh that finds the
lock taken exits at once).

Imports flow one way: the CLI and the dashboard import this package; it imports
``feeds.brief``, ``feeds.store`` and ``feeds.config``, and nothing above them.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "AlertRulesError": "rules", "Rule": "rules", "RuleSet": "rules", "load_rules": "rules",
    "parse_rules": "rules", "DestinationError": "destinations",
    "Destinations": "destinations", "Firing": "evaluate", "evaluate": "evaluate",
    "RunReport": "run", "run_alerts": "run", "surge_counts": "surge", "surge_table": "surge",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'feeds.alerts' has no attribute {name!r}")
    return getattr(importlib.import_module(f"feeds.alerts.{_WHERE[name]}"), name)
