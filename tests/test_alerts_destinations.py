"""Destinations: URLs from the environment or an owner-only file, and masked everywhere."""

from __future__ import annotations

import pytest

from feeds.alerts.destinations import DestinationError, Destinations, env_name


def test_owner_only_file_and_masking(tmp_path):
    path = tmp_path / "destinations.toml"
    path.write_text(
        '[destinations]\n'
        'desk = "mailto://alerts:Pa55word-x@mail.example.org?to=desk@example.org"\n'
        'ops = { url = "webhook+https://ops.example.org/hooks/abcdef123456", '
        'secret = "s3cret-signing-key" }\n', encoding="utf-8")
    path.chmod(0o644)
    with pytest.raises(DestinationError, match="chmod 600") as err:
        Destinations({}, file=path).get("desk")
    assert "Pa55word" not in str(err.value)
    path.chmod(0o600)
    dests = Destinations({}, file=path)
    desk, ops = dests.get("desk"), dests.get("ops")
    assert desk.url.startswith("mailto://") and not desk.is_webhook
    assert ops.is_webhook and ops.secret == "s3cret-signing-key"
    text = (f"failed {desk.url} and https://ops.example.org/hooks/abcdef123456 "
            "with s3cret-signing-key; password Pa55word-x; the hooks endpoint")
    masked = dests.mask(text)
    for secret in ("Pa55word-x", "abcdef123456", "s3cret-signing-key", "mailto://"):
        assert secret not in masked
    assert "the hooks endpoint" in masked  # words stay readable; only the secrets go
    assert repr(desk).count("Pa55word") == 0


def test_environment_wins_and_says_how_to_configure(tmp_path):
    env = {env_name("team-slack"): "slack://TokenAAAA/TokenBBBB/TokenCCCCCCCC"}
    assert env_name("team-slack") == "CAMBODIA_RISK_DEST_TEAM_SLACK"
    dests = Destinations(env, file=tmp_path / "missing.toml")
    assert dests.get("team-slack").url.startswith("slack://")
    assert dests.mask("posting to TokenCCCCCCCC") == "posting to ***"
    with pytest.raises(DestinationError, match="set CAMBODIA_RISK_DEST_OTHER"):
        dests.get("other")
    hook = Destinations({"CAMBODIA_RISK_DEST_H": "webhook+https://x.example/h"}, file=None)
    with pytest.raises(DestinationError, match="CAMBODIA_RISK_DEST_H_SECRET"):
        hook.get("h")
