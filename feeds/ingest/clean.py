"""Markup to plain text: what the scorer reads and the dashboard shows.

Feed HTML is untrusted. Nothing here tries to make it safe to render; it is reduced to
text, and text is what every later step stores and displays (escaped).
"""

from __future__ import annotations

import html
import re

import lxml.etree
import lxml.html

# Elements whose text is never article prose.
_DROP = ("script", "style", "noscript", "iframe", "object", "embed", "svg", "math",
         "template", "form", "button", "select")
_BLOCK = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article "
    "header footer figure figcaption dd dt hr".split()
)
_TAG_HINT = re.compile(r"<[a-zA-Z!/?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: paragraphs on their own lines, entities decoded."""
    if not markup:
        return ""
    markup = _CONTROL.sub(" ", markup)
    if not _TAG_HINT.search(markup):
        return _tidy(html.unescape(markup))
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return _tidy(html.unescape(re.sub(r"<[^>]*>", " ", markup)))
    for bad in list(root.iter(*_DROP)):
        if bad.getparent() is not None:
            bad.drop_tree()
    parts: list[str] = []
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCK:
                parts.append("\n")
            if element.text and isinstance(element.tag, str):
                parts.append(element.text)
        else:
            if tag in _BLOCK:
                parts.append("\n")
            if element.tail and element is not root:
                parts.append(element.tail)
    return _tidy("".join(parts))


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\xa0", " ").splitlines())
    return "\n".join(line for line in lines if line)
