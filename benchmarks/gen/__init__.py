"""The synthetic-database generator behind ``benchmarks/gen_db.py``, one module per group
of tables: ``sources`` (feeds, refresh runs), ``articles`` (articles, carriers, evidence),
``vocab`` (what the text is made of, the scoring part read from data/lexicons) and
``writer`` (bulk writes)."""
