"""Article text is inert in every format: no markup, scripts, links, table breaks, formulas or escapes."""
from __future__ import annotations

import csv
import io
import re

import pytest
from tests.reports.fixtures import HOSTILE_MARKUP, REPORT
from hypothesis import given
from hypothesis import strategies as st

from reports.escape import escape_markdown, neutralise_formula, normalise_line, safe_link_url, strip_controls
from reports.registry import render_claims, render_report

ESC = "\x1b"


@pytest.mark.parametrize("text, expected", [
    ("\x1b[31mred\x1b[0m", "red"),
    ("\x1b]8;;http://evil\x07link\x1b]8;;\x07", "link"),
    ("bell\x07 and nul\x00", "bell and nul"),
    ("a\r\nb\rc", "a\nb\nc"),
    ("tab\tkept", "tab\tkept"),
    ("abc\u202edcba", "abcdcba"),
    ("\x9b31mcsi", "csi"),
    ("India–Japan, 日本", "India–Japan, 日本"),
])
def test_strip_controls_removes_terminal_sequences(text: str, expected: str) -> None:
    assert strip_controls(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("a | b", "a \\| b"),
    ("line\nbreak", "line break"),
    ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
    ("[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))"),
    ("Tom & Jerry", "Tom &amp; Jerry"),
    ("# not a heading", "\\# not a heading"),
    ("- not a list", "\\- not a list"),
    ("1. not a list", "1\\. not a list"),
    ("back\\slash", "back\\\\slash"),
])
def test_escape_markdown_makes_text_literal(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
    ("http://example.org/a b", "http://example.org/a%20b"),
    ("https://example.org/x)](javascript:y)", "https://example.org/x%29%5D%28javascript:y%29"),
    ('https://example.org/"><script>', "https://example.org/%22%3E%3Cscript%3E"),
    ("javascript:alert(1)", None),
    ("JavaScript:alert(1)", None),
    (" javascript:alert(1)", None),
    ("java\tscript:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("vbscript:msgbox", None),
    ("//evil.example/x", None),
    ("mailto:a@example.org", None),
    ("https:", None),
    ("", None),
    (None, None),
])
def test_safe_link_url_keeps_only_http_links(url: str | None, expected: str | None) -> None:
    assert safe_link_url(url) == expected


@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("plain", "plain"), ("", ""), ("a=b", "a=b"),
])
def test_neutralise_formula_prefixes_formula_starts(cell: str, expected: str) -> None:
    assert neutralise_formula(cell) == expected


@given(st.text())
def test_escape_markdown_output_has_no_live_characters(text: str) -> None:
    escaped = escape_markdown(text)
    assert "<" not in escaped and ">" not in escaped and "\n" not in escaped and ESC not in escaped
    assert re.search(r"(?<!\\)[|*_`\[\]]", escaped.replace("\\\\", "")) is None


# --- the hostile source in every format ---------------------------------------------------------

@pytest.fixture(scope="module")
def html() -> str:
    return render_report(REPORT, "html")


def test_html_hostile_script_is_escaped(html: str) -> None:
    assert "<script>alert" not in html and "<script>window" not in html
    assert html.count("<script") == 1  # ours
    assert "&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;" in html
    assert ESC not in html


def test_html_has_no_javascript_link(html: str) -> None:
    assert 'href="javascript:' not in html.lower()
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)


def test_html_links_open_without_referrer_or_opener(html: str) -> None:
    anchors = re.findall(r"<a [^>]*>", html)
    assert anchors and all('rel="noopener noreferrer"' in a for a in anchors)


def test_html_fetches_nothing_at_view_time(html: str) -> None:
    assert not re.search(r"""\b(src|srcset|action|poster|data)\s*=""", html.replace("data-", "x-"))
    assert "@import" not in html and "url(" not in html
    assert not re.search(r'(href|src)="https?://[^"]*\.(css|js|png|svg|woff2?)"', html)
    assert "<link" not in html


def test_html_declares_a_content_security_policy(html: str) -> None:
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert policy and "default-src &#39;none&#39;" in policy.group(1)
    assert "unsafe-inline" not in policy.group(1)


def test_html_highlights_the_value_inside_the_escaped_quote(html: str) -> None:
    assert "The LUPEX rover will weigh <mark>340 kg</mark> | &#34;really&#34; &amp;" in html


def test_markdown_hostile_text_is_inert() -> None:
    text = render_report(REPORT, "markdown")
    assert "<script>" not in text and HOSTILE_MARKUP not in text
    assert ESC not in text
    assert "](javascript:" not in text


def test_markdown_table_rows_keep_their_columns() -> None:
    lines = render_report(REPORT, "markdown").splitlines()
    tables: list[list[str]] = [[]]
    for line in lines:
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    for table in filter(None, tables):
        counts = {len(re.findall(r"(?<!\\)\|", row.replace("\\\\", ""))) for row in table}
        assert len(counts) == 1, table


def test_csv_hostile_cells_cannot_start_a_formula() -> None:
    rows = list(csv.reader(io.StringIO(render_claims(REPORT, "csv"))))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert ESC not in render_claims(REPORT, "csv")


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_claims_json_keeps_the_text_but_escapes_control_characters(fmt: str) -> None:
    text = render_claims(REPORT, fmt)
    assert ESC not in text and "\\u001b[31m" in text


_LINE_ALPHABET = st.sampled_from(["a", " ", "  ", "\n", "\t", "\r", "\x1b[31m", "\x07", "\x9b", "\u202e", "\u2066",
                                  "\u00a0", "\u2028", "\u3000", "\x85", "\u200b", "é", "日", "|"])


@given(st.lists(_LINE_ALPHABET, max_size=12).map("".join))
def test_one_line_text_is_clean_whichever_path_it_takes(text: str) -> None:
    # printable text takes a shortcut: it must give what the full cleaning gives
    line = normalise_line(text)
    assert line == re.sub(r"\s+", " ", strip_controls(text)).strip()
    assert "  " not in line and line == line.strip()
