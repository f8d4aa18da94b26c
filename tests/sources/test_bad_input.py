"""Bad input in a corpus: each is a Problem naming the file and line, and the good source still loads."""
from __future__ import annotations

import builtins
import datetime as dt
import os
import time
from pathlib import Path

import pytest

from sources import ManifestError, SourceFileError
from sources.corpus import Corpus, load_corpus

TODAY = dt.date(2026, 1, 1)
GOOD_TEXT = "LUPEX is planned for launch in 2028.\n"


def _corpus(tmp_path: Path, files: dict[str, bytes | str], **options: object) -> Corpus:
    """Write `good.txt` and `files` under tmp_path, then load it."""
    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    for name, content in files.items():
        file = tmp_path / name
        file.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            file.write_text(content, encoding="utf-8")
        else:
            file.write_bytes(content)
    return load_corpus(tmp_path, today=TODAY, **options)  # type: ignore[arg-type]


def _good_loaded(corpus: Corpus) -> None:
    good = {s.id: s for s in corpus.sources}["good"]
    assert good.text == GOOD_TEXT


def _only_problem(corpus: Corpus):
    assert len(corpus.problems) == 1, corpus.problems
    return corpus.problems[0]


# name, content, expected (line, severity, words in the message), whether the file still loads
FILE_CASES = [
    pytest.param("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", None, "error",
                 ["binary", "NUL"], False, id="binary-file"),
    pytest.param("latin.txt", "Line one.\nCaf\u00e9 on line two.\n".encode("cp1252"), 2, "warning",
                 ["not valid UTF-8", "0xe9", "Windows-1252"], True, id="cp1252-file"),
    pytest.param("wide.txt", "LUPEX in 2028.\n".encode("utf-16"), None, "warning",
                 ["decoded as UTF-16", "byte-order mark"], True, id="utf16-with-bom"),
    pytest.param("wide.txt", "LUPEX in 2028.\n".encode("utf-16-le"), None, "warning",
                 ["decoded as UTF-16", "NUL"], True, id="utf16-without-bom"),
    pytest.param("empty.txt", b"", None, "warning", ["empty"], False, id="empty-file"),
    pytest.param("blank.md", " \n\t\r\n", None, "warning", ["empty", "whitespace"], False,
                 id="whitespace-only-file"),
    pytest.param("meta.md", "---\ntitle: T\n---\n\n", None, "warning", ["no text after its front matter"],
                 False, id="front-matter-only"),
    pytest.param("fm.md", "---\ntitle: T\nauthor: A: B\n---\nBody\n", 3, "error",
                 ["front matter is not valid YAML", "loaded without its front matter"], True,
                 id="malformed-front-matter"),
    pytest.param("fm.md", "---\ntitle: T\nBody without a closing line\n", 1, "error",
                 ["never closed"], True, id="unclosed-front-matter"),
    pytest.param("fm.md", "---\n- a\n- b\n---\nBody\n", 2, "error",
                 ["should be `key: value` lines", "got a list"], True, id="front-matter-not-a-mapping"),
    pytest.param("fm.md", "---\ntitle: T\npublished: 15/05/2025\n---\nBody\n", 3, "error",
                 ["`published: 15/05/2025` is not YYYY-MM-DD, YYYY-MM or YYYY"], True,
                 id="published-not-iso"),
    pytest.param("fm.md", "---\npublished: 2025-02-30\n---\nBody\n", 2, "error",
                 ["`published: 2025-02-30` is not a real date"], True, id="published-impossible-day"),
    pytest.param("fm.md", "---\nprimary: maybe\n---\nBody\n", 2, "error",
                 ["`primary: maybe` should be true or false"], True, id="primary-not-a-boolean"),
    pytest.param("fm.md", "---\ntitle:\n  main: T\n---\nBody\n", 3, "error",
                 ["`title` should be text, got a mapping"], True, id="title-a-mapping"),
]


@pytest.mark.parametrize("name, content, line, severity, words, loads", FILE_CASES)
def test_bad_file_is_a_located_problem_and_others_load(tmp_path, name, content, line, severity, words, loads):
    corpus = _corpus(tmp_path, {name: content})
    problem = _only_problem(corpus)
    assert (problem.path, problem.line, problem.severity) == (name, line, severity)
    for word in words:
        assert word in problem.message
    assert (Path(name).stem in {s.id for s in corpus.sources}) is loads
    _good_loaded(corpus)


@pytest.mark.parametrize("content, text", [
    ("Line one.\nCaf\u00e9 on line two.\n".encode("cp1252"), "Line one.\nCaf\u00e9 on line two.\n"),
    ("\u201cQuoted\u201d\r\n".encode("cp1252"), "\u201cQuoted\u201d\n"),
    (b"Undefined in cp1252: \x81\n", "Undefined in cp1252: \x81\n"),  # Latin-1 then
    ("LUPEX in 2028.\r\n".encode("utf-16"), "LUPEX in 2028.\n"),
    ("LUPEX in 2028.\n".encode("utf-16-be"), "LUPEX in 2028.\n"),
])
def test_odd_encodings_decode_to_the_right_text(tmp_path, content, text):
    corpus = _corpus(tmp_path, {"odd.txt": content})
    assert {s.id: s.text for s in corpus.sources}["odd"] == text


def test_malformed_front_matter_keeps_manifest_metadata_and_text(tmp_path):
    corpus = _corpus(tmp_path, {"fm.md": "---\ntitle: T\nauthor: A: B\n---\nBody\n",
                                "sources.yaml": "- id: fm\n  publisher: Wire\n"})
    source = {s.id: s for s in corpus.sources}["fm"]
    assert (source.title, source.publisher, source.text, source.line_offset) == (None, "Wire", "Body\n", 4)


def test_bad_published_still_loads_with_no_date(tmp_path):
    corpus = _corpus(tmp_path, {"fm.md": "---\ntitle: T\npublished: 15/05/2025\n---\nBody\n"})
    source = {s.id: s for s in corpus.sources}["fm"]
    assert (source.title, source.published) == ("T", None)


# sources.yaml content, expected (line, words)
MANIFEST_CASES = [
    pytest.param("- id: good\n  title: [unclosed\n", 3, ["not valid YAML", "every file still loads"],
                 id="malformed-yaml"),
    pytest.param("good:\n  title: T\n", 1, ["should be a list of entries", "got a dict"], id="not-a-list"),
    pytest.param("- id: good\n- just a string\n", 2, ["entry 2 should be a mapping with an `id`", "got a str"],
                 id="entry-not-a-mapping"),
    pytest.param("- id: good\n- title: No id here\n  publisher: X\n", 2, ["entry 2", "with no `id`"],
                 id="entry-without-id"),
    pytest.param("- id: good\n- id: missing\n  title: Gone\n", 2, ["`id: missing` names no file"],
                 id="entry-without-file"),
    pytest.param("- id: good\n- id: good.txt\n", 2, ["`id: good.txt` names no file",
                                                      "without its extension: `good`"],
                 id="entry-id-with-extension"),
    pytest.param("- id: good\n  title: First\n- id: good\n  title: Second\n", 3,
                 ["`id: good` repeats the entry on line 1"], id="duplicate-manifest-id"),
    pytest.param("- id: good\n  published: 15/05/2025\n", 2,
                 ["`published: 15/05/2025` is not YYYY-MM-DD, YYYY-MM or YYYY"], id="manifest-published-bad"),
    pytest.param("- id: good\n  published: 2025-13-45\n", 2, ["`published: 2025-13-45` is not a real date"],
                 id="manifest-published-impossible"),
]


@pytest.mark.parametrize("manifest, line, words", MANIFEST_CASES)
def test_bad_manifest_is_a_located_problem_and_files_load(tmp_path, manifest, line, words):
    corpus = _corpus(tmp_path, {"sources.yaml": manifest})
    problem = _only_problem(corpus)
    assert (problem.path, problem.line, problem.severity) == ("sources.yaml", line, "error")
    for word in words:
        assert word in problem.message
    _good_loaded(corpus)


def test_duplicate_manifest_id_keeps_the_first_entry(tmp_path):
    corpus = _corpus(tmp_path, {"sources.yaml": "- id: good\n  title: First\n- id: good\n  title: Second\n"})
    assert corpus.sources[0].title == "First"


def test_malformed_manifest_loads_files_without_metadata(tmp_path):
    corpus = _corpus(tmp_path, {"sources.yaml": "- id: good\n  title: [unclosed\n"})
    assert corpus.sources[0].title is None


def test_two_files_with_one_id_keep_the_first_in_sorted_order(tmp_path):
    corpus = _corpus(tmp_path, {"a.txt": "From the txt.", "a.md": "From the md."})
    problem = _only_problem(corpus)
    assert (problem.path, problem.line, problem.severity) == ("a.txt", None, "error")
    assert "same id `a` as `a.md`" in problem.message
    assert {s.id: s.text for s in corpus.sources}["a"] == "From the md."
    _good_loaded(corpus)


def test_file_above_max_bytes_is_refused(tmp_path):
    corpus = _corpus(tmp_path, {"big.txt": "x" * 2_000}, max_bytes=1_000)
    problem = _only_problem(corpus)
    assert (problem.path, problem.line, problem.severity) == ("big.txt", None, "error")
    assert "is 2,000 bytes, above the limit of 1,000 bytes (--max-bytes)" in problem.message
    _good_loaded(corpus)


def test_50_mb_file_is_refused_by_default_without_reading_it(tmp_path):
    with (tmp_path / "huge.txt").open("wb") as handle:  # sparse: cheap to make, slow to read
        handle.truncate(50_000_000)
    started = time.perf_counter()
    corpus = _corpus(tmp_path, {})
    assert time.perf_counter() - started < 2
    problem = _only_problem(corpus)
    assert problem.path == "huge.txt"
    assert "is 50 MB, above the limit of 20 MB (--max-bytes)" in problem.message
    _good_loaded(corpus)


def test_symlink_outside_the_corpus_is_skipped_with_a_warning(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("Outside text.", encoding="utf-8")
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "link.txt").symlink_to(outside)
    corpus = _corpus(corpus_dir, {})
    problem = _only_problem(corpus)
    assert (problem.path, problem.severity) == ("link.txt", "warning")
    assert "outside the corpus" in problem.message
    assert [s.id for s in corpus.sources] == ["good"]
    followed = load_corpus(corpus_dir, follow_symlinks=True, today=TODAY)
    assert {s.id: s.text for s in followed.sources}["link"] == "Outside text."
    assert followed.problems == []


def test_symlink_inside_the_corpus_is_read_under_its_own_path(tmp_path):
    (tmp_path / "link.txt").symlink_to(tmp_path / "good.txt")
    corpus = _corpus(tmp_path, {})
    assert [s.id for s in corpus.sources] == ["good", "link"]
    assert corpus.problems == []


def test_broken_symlink_is_a_warning(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    problem = _only_problem(corpus := _corpus(tmp_path, {}))
    assert (problem.path, problem.severity) == ("gone.txt", "warning")
    assert "broken symlink" in problem.message
    _good_loaded(corpus)


def test_symlinked_folder_loop_is_walked_once(tmp_path):
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "news" / "again").symlink_to(tmp_path / "news")
    corpus = _corpus(tmp_path, {}, follow_symlinks=True)
    assert [s.id for s in corpus.sources] == ["good", "news/a"]


def test_unreadable_file_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "locked.txt").write_text("Secret.", encoding="utf-8")
    original = builtins.open

    def refuse(file: object, *args: object, **kwargs: object):
        if Path(str(file)).name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return original(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", refuse)  # as root, chmod 0 would not stop us reading
    corpus = _corpus(tmp_path, {})
    problem = _only_problem(corpus)
    assert (problem.path, problem.line, problem.severity) == ("locked.txt", None, "error")
    assert "permission denied" in problem.message
    _good_loaded(corpus)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_file_without_read_permission_is_an_error(tmp_path):
    (tmp_path / "locked.txt").write_text("Secret.", encoding="utf-8")
    (tmp_path / "locked.txt").chmod(0)
    problem = _only_problem(corpus := _corpus(tmp_path, {}))
    assert (problem.path, problem.severity) == ("locked.txt", "error")
    _good_loaded(corpus)


def test_folder_named_like_a_file_is_walked_not_read(tmp_path):
    (tmp_path / "x.txt").mkdir()
    (tmp_path / "x.txt" / "inner.md").write_text("Inner.", encoding="utf-8")
    corpus = _corpus(tmp_path, {})
    assert [s.id for s in corpus.sources] == ["good", "x.txt/inner"]
    assert corpus.problems == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_named_like_a_source_is_skipped_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    problem = _only_problem(corpus := _corpus(tmp_path, {}))
    assert (problem.path, problem.severity) == ("pipe.txt", "warning")
    _good_loaded(corpus)


def test_missing_corpus_folder_raises_with_its_path(tmp_path):
    with pytest.raises(SourceFileError) as raised:
        load_corpus(tmp_path / "nope")
    assert raised.value.path == str(tmp_path / "nope")
    assert "does not exist" in str(raised.value)


def test_missing_explicit_manifest_raises_with_its_path(tmp_path):
    with pytest.raises(ManifestError) as raised:
        load_corpus(tmp_path, manifest="no-such.yaml")
    assert (raised.value.path, raised.value.line) == ("no-such.yaml", None)
