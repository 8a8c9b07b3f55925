"""Shared pytest fixtures; the helper modules' fixtures come in through pytest_plugins.

The helper modules sit next to this file and are imported as top-level modules (the
``pythonpath`` setting in pyproject.toml puts this folder on the path, whatever import
mode pytest runs in; the benchmarks import feedserver and rss_support the same way).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from feedserver import FeedServer

from feeds.lexicon import Lexicons, load_lexicons

pytest_plugins = ["db_support"]


@pytest.fixture(scope="session")
def lex() -> Lexicons:
    """The real lexicons in data/lexicons, loaded once per test session."""
    return load_lexicons()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A fresh loopback FeedServer for one test; stopped afterwards."""
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    """Put back the real ``__main__`` after each test.

    Streamlit's script runner (behind AppTest) installs every script it runs as
    ``__main__`` and leaves it there. Worker processes started later prepare themselves
    by re-running ``__main__``, so a refresh test after a dashboard test would start
    workers that run the dashboard.
    """
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main
