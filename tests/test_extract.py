"""Full-text extraction: one page's text never depends on the pages before it.

Many outlets repeat a paragraph across articles (a standard background line, an
"about us" box); a page extracted after others that carry it must keep it.
"""

from feeds.ingest.extract import extract_text

SHARED = ("The Ministry of Interior said the provincial election committee would publish "
          "the final list of registered voters in Battambang before the end of the month.")


def page(n: int) -> str:
    own = " ".join([f"Report {n} on roads built near the border town of Poipet."] * 3)
    return (f"<html><body><article><h1>Story {n}</h1><p>{own}</p><p>{SHARED}</p>"
            f"<p>{own} Officials gave no date.</p></article></body></html>")


def test_a_paragraph_shared_with_earlier_pages_is_kept():
    texts = [extract_text(page(n), f"https://news.example.org/{n}") for n in range(6)]
    assert all(text is not None and SHARED in text for text in texts)


def test_the_same_page_extracts_the_same_text_every_time():
    texts = [extract_text(page(9), "https://news.example.org/9") for _ in range(5)]
    assert texts[0] is not None and "Officials gave no date." in texts[0]
    assert texts == [texts[0]] * 5
