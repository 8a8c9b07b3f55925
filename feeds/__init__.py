"""Cambodia Risk Monitor: the write side (ingest, scoring, storage) and the CLI.

The folders are the layers (imports flow down; ``tests/test_layers.py`` checks it):
``cli`` and the small commands (``demo``, ``rescore``) on top; ``ingest`` (feeds to
articles); ``score`` (articles to scores) and ``store`` (the database, and the contract
the dashboard reads); ``lexicon`` (the data files, validated); ``text`` and ``config``
at the bottom.
"""

__version__ = "0.1.0"
