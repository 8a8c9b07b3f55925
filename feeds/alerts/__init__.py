"""Alerts: rules as data, evaluated against the database, delivered to the team.

The public face:

* ``load_rules(path)`` reads and validates ``alerts.toml`` (``rules``);
* ``run_alerts(engine, rules)`` evaluates, records and delivers (``run``);
* ``evaluate(conn, rules, now)`` says what would fire, reading only (``evaluate``);
* ``surge_counts`` / ``surge_table``: the surge test the dashboard shares (``surge``).

Imports flow one way: the CLI and the dashboard import this package; it imports
``feeds.store.schema`` and ``feeds.store`` and nothing above them.
"""

from feeds.alerts.destinations import DestinationError, Destinations
from feeds.alerts.evaluate import Firing, evaluate
from feeds.alerts.rules import AlertRulesError, Rule, RuleSet, load_rules, parse_rules
from feeds.alerts.run import RunReport, run_alerts
from feeds.alerts.surge import surge_counts, surge_table

__all__ = [
    "AlertRulesError", "DestinationError", "Destinations", "Firing", "Rule", "RuleSet",
    "RunReport", "evaluate", "load_rules", "parse_rules", "run_alerts", "surge_counts",
    "surge_table",
]
