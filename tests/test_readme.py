"""The README's commands stay true: the quick start, CI, and every documented option."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from feeds.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def shell_blocks():
    return re.findall(r"```sh\n(.*?)\n```", README, re.S)


def test_readme_opens_with_the_two_commands():
    install_and_run, install_and_test = shell_blocks()[:2]
    assert README.index(install_and_run) < README.index(install_and_test)
    assert "pip install -e ." in install_and_run
    assert install_and_run.endswith("cambodia-risk dashboard")
    assert "'.[test]'" in install_and_test and install_and_test.endswith("pytest")


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = shell_blocks()[1]
    assert test_command in ci.splitlines()


@pytest.mark.parametrize(
    "command", ["dashboard", "refresh", "export", "rescore", "demo", "backfill", "brief"]
)
def test_documented_options_exist(command):
    row = re.search(rf"^\| `cambodia-risk {command}(.*?)` \|", README, re.M)
    assert row, f"{command} missing from the README's command table"
    help_text = CliRunner().invoke(cli, [command, "--help"]).output
    for option in re.findall(r"--[a-z][a-z-]*", row.group(1)):
        assert option in help_text, f"{command} {option} documented but not implemented"


def test_documented_environment_variables_are_read():
    source = (ROOT / "feeds" / "config.py").read_text() + (ROOT / "feeds" / "cli.py").read_text()
    for name in set(re.findall(r"`(CAMBODIA_RISK_[A-Z]+)`", README)):
        assert name in source, name
