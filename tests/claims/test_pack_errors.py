"""A domain pack that cannot be used is one PackError naming the file, the line and the key.

Each case edits one line of a small, valid pack; the CLI turns the error into exit 2 and one
`claimrecon: path:line: message` line on stderr, never a traceback.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from claims import PackError, load_pack
from claimrecon.cli import main

ROOT = Path(__file__).resolve().parents[2]
TINY_PACK = """\
name: tiny
kinds:
  mission:
    nouns: [mission, satellite]
entities:
  - id: lupex
    kind: mission
    aliases: [LUPEX, Chandrayaan-5]
  - id: issa-j1
    kind: mission
    aliases: [ISSA-J1]
fields:
  - id: launch_date
    applies_to: [mission]
    type: date
    triggers: [launch]
  - id: launch_vehicle
    applies_to: [mission]
    type: ref
    catalogue: vehicles
    triggers: [aboard]
catalogues:
  vehicles:
    - id: h3
      aliases: [H3]
    - id: h3-24l
      parent: h3
      aliases: [H3-24L]
"""


def edited(line: int, new: str) -> str:
    """TINY_PACK with its 1-based `line` replaced by `new` (which may hold several lines)."""
    lines = TINY_PACK.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


# line to edit, its new text, the line the error names, words in the message
CASES = [
    pytest.param(7, "    kind: mission: probe", 7, ["not valid YAML", "mapping values are not allowed here"],
                 id="malformed-yaml"),
    pytest.param(8, "    aliases: [LUPEX, Chandrayaan-5", 9, ["not valid YAML"], id="unclosed-list"),
    pytest.param(11, "    aliases: [ISSA-J1, Lupex]", 11,
                 ["alias 'Lupex' of 'issa-j1' is already an alias of 'lupex' (line 8)",
                  "an alias must name one entity"], id="alias-shared-by-two-entities"),
    pytest.param(15, "    type: datetim", 15, ["fields[0].type", "'date'", "'quantity'", "'ref'"],
                 id="unknown-field-type"),
    pytest.param(24, "    - id: h3\n      parent: h3-24l", 24,
                 ["catalogues.vehicles: cycle of parents h3 -> h3-24l -> h3"], id="catalogue-cycle"),
    pytest.param(10, "    kind: satelite", 10, ["entities[1].kind: unknown kind 'satelite'", "known kinds: ['mission']"],
                 id="unknown-kind"),
    pytest.param(14, "    applies_to: [mision]", 14, ["fields[0].applies_to: unknown kind 'mision'"],
                 id="field-for-unknown-kind"),
    pytest.param(20, "    catalogue: rockets", 20, ["fields[1].catalogue: no catalogue 'rockets'", "['vehicles']"],
                 id="unknown-catalogue"),
    pytest.param(27, "      parent: h2", 26, ["parent 'h2' of 'h3-24l' is not in the catalogue"],
                 id="unknown-parent"),
    pytest.param(8, "    aliases: LUPEX", 8, ["entities[0].aliases", "list"], id="aliases-not-a-list"),
]


def test_tiny_pack_is_valid(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text(TINY_PACK, encoding="utf-8")
    assert [e.id for e in load_pack(path).entities] == ["lupex", "issa-j1"]


@pytest.mark.parametrize("line, new, error_line, words", CASES)
def test_pack_error_names_path_line_and_key(tmp_path, line, new, error_line, words):
    path = tmp_path / "pack.yaml"
    path.write_text(edited(line, new), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(path)
    error = caught.value
    assert (error.path, error.line) == (str(path), error_line)
    for word in words:
        assert word in error.message, error.message
    assert str(error).startswith(f"{path}:{error_line}: ")


def test_pack_that_is_a_list_is_a_pack_error(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text("- name: tiny\n- kinds: {}\n", encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(path)
    assert caught.value.line == 1 and "a domain pack is a mapping" in caught.value.message


def test_pack_that_does_not_exist_is_a_pack_error(tmp_path):
    with pytest.raises(PackError) as caught:
        load_pack(tmp_path / "missing.yaml")
    assert caught.value.path == str(tmp_path / "missing.yaml")
    assert "cannot read the domain pack" in caught.value.message


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("LUPEX will launch in 2028.\n", encoding="utf-8")
    return corpus


@pytest.mark.parametrize("line, new, error_line, words", CASES)
def test_cli_bad_pack_exits_2_with_the_located_message(tmp_path, capsys, line, new, error_line, words):
    path = tmp_path / "pack.yaml"
    path.write_text(edited(line, new), encoding="utf-8")
    code = main(["report", str(_corpus(tmp_path)), "--domain", str(path), "--no-cache", "--jobs", "1"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.startswith(f"claimrecon: {path}:{error_line}: ")
    assert all(word in captured.err for word in words)
    assert "Traceback" not in captured.err


def test_cli_good_tiny_pack_extracts(tmp_path, capsys):
    path = tmp_path / "pack.yaml"
    path.write_text(TINY_PACK, encoding="utf-8")
    code = main(["extract", str(_corpus(tmp_path)), "--domain", str(path), "--no-cache", "--jobs", "1"])
    assert code == 0 and '"entity": "lupex"' in capsys.readouterr().out


def test_cli_bad_pack_in_a_subprocess_prints_no_traceback(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text(edited(24, "    - id: h3\n      parent: h3-24l"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "claimrecon", "check", str(_corpus(tmp_path)), "--domain", str(path)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 2
    assert run.stderr == f"claimrecon: {path}:24: catalogues.vehicles: cycle of parents h3 -> h3-24l -> h3\n"
