"""The main text and metadata of an .html page, via trafilatura (imported only when needed).

trafilatura drops navigation, footers and comments. When it finds no main text, the whole
text of <body> (lxml) is used instead, with a warning. Title, author and date come from
trafilatura's metadata, the title falling back to <title>; sources.yaml wins over all of them.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from sources.metadata import normalise_published
from sources.models import Problem
from sources.text import normalise_newlines

_BLANK_RUNS = re.compile(r"[ \t]*\n\s*\n\s*")


class WebPage(NamedTuple):
    """The page's main text (empty when none), metadata found in it, and what was noticed."""

    text: str
    fields: dict[str, Any]
    problems: list[Problem]


def extract_webpage(html: str, path: str, *, today: dt.date) -> WebPage:
    """Main text, title, author and date of an HTML page; boilerplate (nav, footer) left out."""
    import trafilatura  # slow to import (~0.6 s): only when a corpus has HTML

    document = trafilatura.bare_extraction(
        html, include_comments=False, favor_recall=True, with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True,
                                "max_date": today.isoformat()})
    text = normalise_newlines(getattr(document, "text", None) or "").strip()
    fields = _metadata(document) if document is not None else {}
    problems: list[Problem] = []
    if not text:
        text, title = _body_text(html)
        if title and "title" not in fields:
            fields["title"] = title
        if text:
            message = "no main text found by trafilatura; used all the text of <body>, boilerplate included"
            problems.append(Problem(path=path, message=message, severity="warning"))
    return WebPage(text, fields, problems)


def _metadata(document: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in ("title", "author"):
        value = getattr(document, key, None)
        if isinstance(value, str) and value.strip():
            fields[key] = value.strip()
    try:
        published = normalise_published(getattr(document, "date", None))
    except ValueError:
        published = None  # a guessed date in an odd shape is not worth a problem
    if published is not None:
        fields["published"] = published
    return fields


def _body_text(html: str) -> tuple[str, str | None]:
    """All the text of <body> with blank-line runs collapsed, and the <title>."""
    import lxml.etree
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return "", None
    for element in list(tree.iter("script", "style", "noscript")):
        if isinstance(element, lxml.html.HtmlElement):
            element.drop_tree()
    body = tree.find("body")
    top = body if isinstance(body, lxml.html.HtmlElement) else tree
    if not isinstance(top, lxml.html.HtmlElement):
        return "", None
    text = _BLANK_RUNS.sub("\n\n", normalise_newlines(top.text_content())).strip()
    title = (tree.findtext(".//title") or "").strip()
    return text, title or None
