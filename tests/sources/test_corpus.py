"""Loading good corpora: ids, metadata precedence, HTML main text, newlines, line offsets."""
from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sources.corpus import Corpus, iter_corpus, load_corpus, load_source, sample_corpus

PROJECT = Path(__file__).resolve().parents[2]
MIXED = PROJECT / "tests" / "data" / "corpora" / "mixed"
TODAY = dt.date(2026, 1, 1)  # after every date in the fixtures


def _by_id(corpus: Corpus) -> dict[str, object]:
    return {source.id: source for source in corpus.sources}


def _sample_manifest() -> dict[str, dict[str, object]]:
    entries = yaml.safe_load((PROJECT / "sources" / "sample" / "sources.yaml").read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in entries}


def test_sample_corpus_is_the_bundled_folder():
    assert sample_corpus().is_dir()
    assert (sample_corpus() / "sources.yaml").is_file()


def test_sample_corpus_loads_five_sources_named_by_file_stem():
    corpus = load_corpus(today=TODAY)
    stems = sorted(p.stem for p in sample_corpus().glob("*.txt"))
    assert [s.id for s in corpus.sources] == stems
    assert len(stems) == 5
    assert corpus.problems == []
    assert corpus.root == "<sample>"


@pytest.mark.parametrize("source_id, published, precision", [
    ("000_2472ff8fe4cc8ef9", "2025-08", "month"),
    ("001_53015cbc107be708", None, None),
    ("002_b29cf7330e2aecb2", "2025", "year"),
    ("003_7e03772c50811ca3", "2025-12-02", "day"),
    ("004_328fe9d89885967f", "2025", "year"),
])
def test_sample_corpus_published_has_the_manifest_precision(source_id, published, precision):
    source = _by_id(load_corpus(today=TODAY))[source_id]
    assert str(_sample_manifest()[source_id].get("published")) == str(published)
    if published is None:
        assert source.published is None
    else:
        assert (str(source.published), source.published.precision) == (published, precision)


def test_sample_corpus_titles_and_authors_come_from_the_manifest():
    sources = _by_id(load_corpus(today=TODAY))
    for source_id, entry in _sample_manifest().items():
        assert sources[source_id].title == entry.get("title")
        assert sources[source_id].author == entry.get("author")
        assert sources[source_id].publisher == entry.get("publisher")


def test_sample_source_path_is_relative_and_hash_is_sha256_of_bytes():
    source = _by_id(load_corpus(today=TODAY))["002_b29cf7330e2aecb2"]
    raw = (sample_corpus() / "002_b29cf7330e2aecb2.txt").read_bytes()
    assert source.path == "002_b29cf7330e2aecb2.txt"
    assert source.content_hash == hashlib.sha256(raw).hexdigest()
    assert source.text == raw.decode("utf-8").replace("\r\n", "\n")


def test_mixed_corpus_ids_are_paths_without_extension():
    corpus = load_corpus(MIXED, today=TODAY)
    assert [(s.id, s.path) for s in corpus.sources] == [
        ("news/wion-lupex", "news/wion-lupex.html"),
        ("notes", "notes.md"),
        ("plain", "plain.txt"),
    ]
    assert corpus.problems == []
    assert corpus.root == str(MIXED)


def test_front_matter_wins_over_manifest_and_manifest_fills_the_rest():
    notes = _by_id(load_corpus(MIXED, today=TODAY))["notes"]
    assert notes.title == "Notes on LUPEX"  # the manifest says "Title from sources.yaml …"
    assert (str(notes.published), notes.published.precision) == ("2025-06", "month")  # manifest: 2024
    assert notes.publisher == "Notes Weekly"  # only the manifest has it
    assert notes.author == "A. Writer, B. Writer"  # a YAML list of authors, joined


def test_front_matter_sets_line_offset_so_file_lines_are_right():
    notes = _by_id(load_corpus(MIXED, today=TODAY))["notes"]
    file_lines = (MIXED / "notes.md").read_text(encoding="utf-8").split("\n")
    offset = notes.text.index("350 kg")
    line = notes.line_offset + 1 + notes.text.count("\n", 0, offset)
    assert notes.line_offset == 7
    assert "350 kg" in file_lines[line - 1]
    assert notes.text.startswith("# Notes\n")


def test_plain_file_metadata_comes_from_the_manifest():
    plain = _by_id(load_corpus(MIXED, today=TODAY))["plain"]
    assert (plain.title, plain.publisher, str(plain.published)) == (
        "Plain text article", "Example Wire", "2025-05-15")
    assert plain.line_offset == 0


def test_html_main_text_is_kept_and_boilerplate_dropped():
    page = _by_id(load_corpus(MIXED, today=TODAY))["news/wion-lupex"]
    assert "will weigh about 350 kg" in page.text
    assert "permanently shadowed regions" in page.text
    for boilerplate in ("World Desk Menu", "Subscribe to our newsletter", "All rights reserved",
                        "Privacy policy", "<p>"):
        assert boilerplate not in page.text
    assert page.line_offset == 0


def test_html_metadata_fills_what_the_manifest_does_not_give():
    page = _by_id(load_corpus(MIXED, today=TODAY))["news/wion-lupex"]
    assert page.publisher == "WION"  # manifest
    assert page.url == "https://example.org/wion-lupex"  # manifest
    assert page.title == "India and Japan discuss progress of Chandrayaan-5"  # the page
    assert page.author == "Sidharth MP"  # <meta name="author">
    assert str(page.published) == "2025-05-15"  # article:published_time


def test_html_falls_back_to_body_text_with_a_warning(tmp_path):
    # trafilatura treats a page whose only text is in <footer> as boilerplate and returns nothing.
    (tmp_path / "tiny.html").write_text(
        "<html><head><title>Tiny</title><script>var x = 1;</script></head>"
        "<body><footer>LUPEX 2028</footer></body></html>", encoding="utf-8")
    corpus = load_corpus(tmp_path, today=TODAY)
    [source] = corpus.sources
    assert source.text == "LUPEX 2028"
    assert source.title == "Tiny"
    [problem] = corpus.problems
    assert (problem.path, problem.severity) == ("tiny.html", "warning")
    assert "<body>" in problem.message


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_files_give_the_same_text_as_lf(tmp_path, newline):
    lines = ["---", "title: T", "---", "First line.", "", "Second line.", ""]
    (tmp_path / "lf.md").write_bytes("\n".join(lines).encode())
    (tmp_path / "other.md").write_bytes(newline.join(lines).encode())
    sources = _by_id(load_corpus(tmp_path, today=TODAY))
    assert sources["other"].text == sources["lf"].text == "First line.\n\nSecond line.\n"
    assert sources["other"].line_offset == sources["lf"].line_offset == 3
    assert sources["other"].content_hash != sources["lf"].content_hash  # the hash is of the raw bytes


def test_utf8_bom_is_removed(tmp_path):
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbfLUPEX launches in 2028.\n")
    corpus = load_corpus(tmp_path, today=TODAY)
    assert corpus.sources[0].text == "LUPEX launches in 2028.\n"
    assert corpus.problems == []


def test_bom_before_front_matter_still_finds_it(tmp_path):
    (tmp_path / "a.md").write_bytes(b"\xef\xbb\xbf---\ntitle: T\n---\nBody\n")
    [source] = load_corpus(tmp_path, today=TODAY).sources
    assert (source.title, source.text, source.line_offset) == ("T", "Body\n", 3)


def test_dot_files_and_dot_folders_are_ignored(tmp_path):
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "note.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "reviews.yaml").write_text("[]", encoding="utf-8")
    (tmp_path / "README.md").write_text("A readme is a source.", encoding="utf-8")
    corpus = load_corpus(tmp_path, today=TODAY)
    assert [s.id for s in corpus.sources] == ["README"]
    assert corpus.problems == []


def test_uppercase_extensions_are_sources(tmp_path):
    (tmp_path / "Loud.TXT").write_text("Text.", encoding="utf-8")
    (tmp_path / "page.htm").write_text("<html><body><article><p>" + "Main text here. " * 20
                                       + "</p></article></body></html>", encoding="utf-8")
    corpus = load_corpus(tmp_path, today=TODAY)
    assert [(s.id, s.path) for s in corpus.sources] == [("Loud", "Loud.TXT"), ("page", "page.htm")]


def test_unknown_key_is_a_warning_and_kept_in_extra(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: T\nsection: Science\n---\nBody\n", encoding="utf-8")
    corpus = load_corpus(tmp_path, today=TODAY)
    assert corpus.sources[0].extra == {"section": "Science"}
    [problem] = corpus.problems
    assert (problem.path, problem.line, problem.severity) == ("a.md", 3, "warning")
    assert "unknown key `section`" in problem.message


def test_future_published_date_is_a_warning_and_kept(tmp_path):
    (tmp_path / "a.md").write_text("---\npublished: 2031-02\n---\nBody\n", encoding="utf-8")
    corpus = load_corpus(tmp_path, today=dt.date(2025, 11, 21))
    assert str(corpus.sources[0].published) == "2031-02"
    [problem] = corpus.problems
    assert (problem.path, problem.line, problem.severity) == ("a.md", 2, "warning")
    assert "after today (2025-11-21)" in problem.message


def test_primary_flag_from_manifest(tmp_path):
    (tmp_path / "agency.txt").write_text("ISRO statement.", encoding="utf-8")
    (tmp_path / "sources.yaml").write_text("- id: agency\n  primary: true\n", encoding="utf-8")
    assert load_corpus(tmp_path, today=TODAY).sources[0].primary is True


def test_explicit_manifest_path_is_used(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "meta.yaml").write_text("- id: a\n  title: From elsewhere\n", encoding="utf-8")
    corpus = load_corpus(tmp_path / "corpus", manifest=tmp_path / "meta.yaml", today=TODAY)
    assert corpus.sources[0].title == "From elsewhere"


def test_iter_corpus_yields_sources_in_id_order(tmp_path):
    for name in ("b.txt", "a/z.txt", "a.md", "c.html"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("<p>Some text in a paragraph.</p>", encoding="utf-8")
    ids = [source.id for source, _ in iter_corpus(tmp_path, today=TODAY) if source is not None]
    assert ids == sorted(ids) == ["a", "a/z", "b", "c"]


def test_load_source_takes_manifest_style_metadata(tmp_path):
    (tmp_path / "news").mkdir()
    file = tmp_path / "news" / "a.md"
    file.write_text("---\ntitle: Front\n---\nBody\n", encoding="utf-8")
    source, problems = load_source(file, root=tmp_path, metadata={"title": "Manifest", "published": 2025},
                                   today=TODAY)
    assert (source.id, source.path, source.title, str(source.published)) == ("news/a", "news/a.md", "Front", "2025")
    assert problems == []


def test_loading_twice_gives_identical_json():
    first = load_corpus(MIXED, today=TODAY).model_dump_json()
    assert load_corpus(MIXED, today=TODAY).model_dump_json() == first
    corpus = load_corpus(MIXED, today=TODAY)
    for item in [*corpus.sources, *corpus.problems]:
        assert str(PROJECT) not in item.model_dump_json()  # no absolute paths below the root


def test_plain_corpus_does_not_import_trafilatura():
    code = ("import sys; from sources.corpus import load_corpus; load_corpus(); "
            "assert 'trafilatura' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PROJECT)


def test_very_long_line_loads_whole(tmp_path):
    line = "LUPEX " * 500_000  # one 3 MB line
    (tmp_path / "long.txt").write_text(line + "\nEnd.\n", encoding="utf-8")
    [source] = load_corpus(tmp_path, today=TODAY).sources
    assert source.text.count("\n") == 2
    assert len(source.text) == len(line) + 6
