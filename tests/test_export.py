"""Export records: formula-safe CSV, and the fields both export paths share."""

import csv
import io

from feeds.store.export import EXPORT_FIELDS, fields, spreadsheet_safe, write_csv


def record(**overrides):
    base = dict(
        url="https://example.org/a",
        title="Title",
        source="S",
        published="2024-01-01T00:00:00Z",
        language="en",
        sentiment=-0.5,
        risk_score=42.0,
        risk_terms={"arrests_legal": ["arrest"]},
        actors=["Hun Sen"],
        provinces=["KH-1", "KH-22"],
        places=["Poipet", "O'Smach"],
    )
    base.update(overrides)
    return base


def test_formula_like_feed_text_is_neutralised():
    out = io.StringIO()
    write_csv([record(title='=HYPERLINK("http://evil.example","x")', source="@SUM(A1)")], out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["title"].startswith("'=HYPERLINK")
    assert row["source"] == "'@SUM(A1)"
    assert row["sentiment"] == "-0.5"  # numbers stay numbers


def test_spreadsheet_safe_leaves_plain_text_alone():
    assert spreadsheet_safe("Troops deployed") == "Troops deployed"
    assert spreadsheet_safe("-minus") == "'-minus"
    assert spreadsheet_safe(-3.5) == -3.5
    assert spreadsheet_safe(None) is None


def test_csv_columns_and_nested_fields():
    out = io.StringIO()
    assert write_csv([record()], out, with_text=False) == 1
    reader = csv.DictReader(io.StringIO(out.getvalue()))
    assert reader.fieldnames == EXPORT_FIELDS
    row = next(reader)
    assert row["risk_terms"] == '{"arrests_legal": ["arrest"]}'
    assert row["actors"] == '["Hun Sen"]'
    assert row["provinces"] == '["KH-1", "KH-22"]'
    assert row["places"] == '["Poipet", "O\'Smach"]'
    assert fields(with_text=True)[-1] == "text"
