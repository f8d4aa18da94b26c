"""Making article text inert: terminal control sequences, Markdown, links and spreadsheet cells.

Every string that comes from an article (titles, publishers, urls, quotes) passes through here
before a renderer writes it. HTML escaping is Jinja2's autoescape; this module covers the rest.
"""
from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# CSI (`ESC [ ... m`), OSC (`ESC ] ... BEL` or `ESC ] ... ESC \`), other two-byte escapes, 8-bit CSI.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
# C0 and C1 controls except tab and newline, DEL, and the bidi overrides of "Trojan source" text.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE_RUN = re.compile(r"\s+")

_MARKDOWN_INLINE = {
    "\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]",
    "|": "\\|", "~": "\\~", "&": "&amp;", "<": "&lt;", ">": "&gt;",
}
_MARKDOWN_SPECIAL = re.compile("[" + re.escape("".join(_MARKDOWN_INLINE)) + "]")
# At the start of a line these would make a heading, a list item or a rule.
_MARKDOWN_LINE_START = re.compile(r"^(?:([#+\-=])|(\d+)([.)]))")

_LINK_SCHEMES = frozenset({"http", "https"})
# Characters kept as they are in a link; everything else (spaces, quotes, brackets, `|`) is %-encoded.
_URL_SAFE = "/:?#@!$&'*+,;=%~-._"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def strip_controls(text: str) -> str:
    """The text without ANSI escape sequences, control characters or bidi overrides.

    Newlines and tabs stay; `\\r\\n` and lone `\\r` become `\\n`.

    >>> strip_controls("\\x1b[31mred\\x1b[0m\\r\\nline")
    'red\\nline'
    """
    if text.isprintable():  # no control, format or separator character but the space: nothing to strip
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ANSI.sub("", text))


def normalise_line(text: str) -> str:
    """The text cleaned by `strip_controls` with every run of whitespace (newlines too) made one space."""
    if text.isprintable() and "  " not in text:  # the space is its only whitespace, never doubled
        return text.strip(" ")
    return _WHITESPACE_RUN.sub(" ", strip_controls(text)).strip()


def escape_markdown(text: str) -> str:
    """One line of Markdown that shows `text` literally: no markup, HTML, links or table breaks.

    >>> escape_markdown("<b>*a*</b> | [x](javascript:y)")
    '&lt;b&gt;\\\\*a\\\\*&lt;/b&gt; \\\\| \\\\[x\\\\](javascript:y)'
    """
    return guard_line_start(escape_markdown_fragment(text).strip())


def escape_markdown_fragment(text: str) -> str:
    """Like `escape_markdown` for a piece of a line: surrounding spaces are kept, the line start not guarded."""
    return _MARKDOWN_SPECIAL.sub(lambda match: _MARKDOWN_INLINE[match.group(0)], _WHITESPACE_RUN.sub(" ", strip_controls(text)))


def guard_line_start(line: str) -> str:
    """The line with a backslash before a leading `#`, `+`, `-`, `=` or `1.` that would start a block."""
    return _MARKDOWN_LINE_START.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else f"{m.group(2)}\\{m.group(3)}", line)


def safe_link_url(url: str | None) -> str | None:
    """The url ready to use as a link target, or None unless it is an absolute http(s) url.

    Characters that could end a Markdown link, an HTML attribute or a table cell are %-encoded.

    >>> safe_link_url("javascript:alert(1)") is None
    True
    >>> safe_link_url("https://example.org/a b|c")
    'https://example.org/a%20b%7Cc'
    """
    if not url:
        return None
    # Browsers drop tabs and newlines inside a url ("java\tscript:"), so the check must too.
    compact = strip_controls(url).replace("\n", "").replace("\t", "").strip()
    parts = urlsplit(compact)
    if parts.scheme.lower() not in _LINK_SCHEMES or not parts.netloc:
        return None
    return quote(compact, safe=_URL_SAFE)


def neutralise_formula(cell: str) -> str:
    """The cell with a leading apostrophe when a spreadsheet would read it as a formula.

    A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula (or the
    start of one) to Excel, LibreOffice and Google Sheets ("CSV injection"); the apostrophe
    makes them show it as text.

    >>> neutralise_formula('=HYPERLINK("http://evil")')
    '\\'=HYPERLINK("http://evil")'
    """
    return "'" + cell if cell.startswith(_FORMULA_START) else cell
