"""Cambodia Risk Monitor: the write side (ingest, scoring, storage) and the CLI."""

__version__ = "0.1.0"
