"""The fast YAML construction gives exactly what PyYAML's constructor gives, for every kind of node."""
from __future__ import annotations

import pytest

from sources.errors import ManifestError
from sources.metadata import _TextDatesLoader, construct, parse_metadata_yaml

DOCUMENTS = [
    "- id: a\n  title: Plain text\n  published: 2025-08-29\n",
    "- id: 7\n  primary: true\n  views: 1.5\n  nothing: null\n  empty:\n  tilde: ~\n",
    "- id: b\n  authors: [One, Two]\n  nested: {k: [1, {x: y}]}\n",
    "- &base {publisher: RIS, published: '2025'}\n- <<: *base\n  id: c\n",  # an anchor and a merge key
    "- id: d\n  title: &t Shared\n  subtitle: *t\n",  # an alias
    "- id: e\n  title: !!str 2025\n  count: !!int '12'\n  flag: !!bool 'yes'\n",
    "- id: f\n  ? [complex, key]\n  : value\n",
    "plain scalar",
    "{a: 1, a: 2}\n",  # a repeated key: the last wins in both
    "- 2025-05-15 10:00\n- 0x1F\n- .inf\n- 1_000\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_same_data_as_pyyaml(text: str) -> None:
    def build(fast: bool) -> object:
        loader = _TextDatesLoader(text)
        try:
            root = loader.get_single_node()
            return construct(loader, root) if fast else loader.construct_document(root)
        finally:
            loader.dispose()

    try:
        expected = build(False)
    except Exception as exc:  # PyYAML refuses it: so must the fast path, with the same error type
        with pytest.raises(type(exc)):
            build(True)
        return
    assert build(True) == expected


def test_unknown_tags_are_still_refused_with_their_line() -> None:
    with pytest.raises(ManifestError) as caught:
        parse_metadata_yaml("- id: a\n  title: !!python/object:os.system x\n", "sources.yaml", error=ManifestError)
    assert caught.value.line == 2
