"""Ingest: bytes in, articles out.

``fetch`` knows HTTP and its limits, ``parse`` knows feedparser, ``extract`` and ``clean``
turn pages and HTML into text, ``canonical`` and ``dedup`` make each story one article,
``workers`` runs the CPU-bound steps in a process pool and ``refresh`` drives one run.
Nothing is imported here, so importing one step does not load the others.
"""
