"""Alert rules: the shipped file loads, and every mistake names its rule and field."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from feeds.alerts.rules import AlertRulesError, load_rules, parse_rules, parse_schedule
from feeds.alerts.schedule import last_occurrence
from feeds.config import DEFAULT_ALERTS


def test_shipped_rules_load():
    rules = load_rules(DEFAULT_ALERTS)
    assert {r.kind for r in rules.rules} == {"surge", "watch", "high_risk", "silence", "brief"}
    assert rules.settings.expire_after == timedelta(days=3)
    brief = rules.by_name("weekly-brief")
    assert str(brief.schedule) == "every Monday 07:00 Asia/Phnom_Penh"


def _one(**fields):
    rule = {"name": "r1", "kind": "surge", "destinations": ["team"], **fields}
    return parse_rules({"rules": [rule]}, source="alerts.toml")


@pytest.mark.parametrize("fields, expected", [
    ({"window": "soon"}, "rule #1 ('r1'): field 'window': 'soon' is not a duration"),
    ({"kind": "surges"}, "field 'kind': must be one of"),
    ({"min_count": 0}, "field 'min_count': must be a whole number of at least 1"),
    ({"min_ratio": 0.5}, "field 'min_ratio': must be above 1"),
    ({"by": "village"}, "field 'by': must be one of category, actor, province"),
    ({"treshold": 3}, "unknown field 'treshold' for a surge rule"),
    ({"destinations": ["https://hooks.slack.com/x"]}, "URLs belong in the environment"),
    ({"destinations": []}, "field 'destinations': name at least one destination"),
    ({"kind": "brief", "schedule": "every Funday 07:00"}, "field 'schedule'"),
    ({"kind": "brief", "schedule": "every Monday 07:00 Mars/Base"}, "unknown time zone"),
    ({"kind": "watch"}, "a watch rule needs at least one of"),
    ({"kind": "high_risk", "threshold": 150}, "field 'threshold': risk scores run"),
])
def test_errors_name_rule_and_field(fields, expected):
    with pytest.raises(AlertRulesError) as err:
        _one(**fields)
    assert expected in str(err.value)
    assert str(err.value).startswith("alerts.toml: ")


def test_duplicate_names_and_bad_toml(tmp_path):
    with pytest.raises(AlertRulesError, match=r"rule #2 \('a'\): field 'name' repeats"):
        parse_rules({"rules": [{"name": "a", "kind": "high_risk", "destinations": ["t"]}] * 2})
    bad = tmp_path / "alerts.toml"
    bad.write_text("[[rules]\nname=", encoding="utf-8")
    with pytest.raises(AlertRulesError, match="not valid TOML"):
        load_rules(bad)
    with pytest.raises(AlertRulesError, match="no such alerts file"):
        load_rules(tmp_path / "missing.toml")


def test_schedule_is_read_in_its_zone():
    sched = parse_schedule("every Monday 07:00 Asia/Phnom_Penh")  # UTC+7: Monday 00:00 UTC
    assert last_occurrence(sched, datetime(2025, 8, 4, 0, 30)) == datetime(2025, 8, 4, 0, 0)
    assert last_occurrence(sched, datetime(2025, 8, 3, 23, 59)) == datetime(2025, 7, 28, 0, 0)
    daily = parse_schedule("every day 18:30")
    assert last_occurrence(daily, datetime(2025, 8, 4, 18, 0)) == datetime(2025, 8, 3, 18, 30)


def test_live_rules_keep_the_last_good_rules_when_the_file_goes_bad(tmp_path):
    """What `refresh --every` reads before each cycle's alerts (see LiveRules)."""
    from feeds.alerts.commands import LiveRules

    rule = '[[rules]]\nname = "{}"\nkind = "high_risk"\ndestinations = ["team"]\n'
    path = tmp_path / "alerts.toml"
    path.write_text(rule.format("first"), encoding="utf-8")
    with pytest.raises(AlertRulesError):
        LiveRules(tmp_path / "absent.toml")  # at start, a named file must exist
    live = LiveRules(path)
    path.write_text(rule.format("second"), encoding="utf-8")
    assert live.reload() is None and [r.name for r in live.rules.rules] == ["second"]
    path.write_text(rule.format("second") + "kind = ", encoding="utf-8")  # half-saved
    problem = live.reload()
    assert problem.startswith(f"alerts not reloaded: {path}: not valid TOML")
    assert problem.endswith("this run used the 1 rule(s) last read without error")
    assert [r.name for r in live.rules.rules] == ["second"]
    path.unlink()
    path.mkdir()  # a folder where the file was: unreadable, not a crash
    assert live.reload() == (f"alerts not reloaded: {path}: cannot be read: Is a directory; "
                             "this run used the 1 rule(s) last read without error")
    path.rmdir()
    assert "no such alerts file" in live.reload()
    default = LiveRules(path, missing_ok=True)  # the default file may be absent: no rules
    assert default.reload() is None and not default.rules.rules
