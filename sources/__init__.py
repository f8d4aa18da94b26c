"""Sources: a corpus of articles with their metadata, and the problems met reading it."""
from sources.corpus import (
    Corpus,
    CorpusPlan,
    SourceTask,
    iter_corpus,
    load_corpus,
    load_source,
    load_task,
    plan_corpus,
    sample_corpus,
)
from sources.errors import FrontMatterError, InputError, ManifestError, SourceFileError
from sources.models import Problem, Published, Source
from sources.table import EncodedSource, SourceTable, published_by_id, sources_by_id
from sources.yamldoc import LocatedYaml, describe_loc, parse_yaml_located

__all__ = [
    "Corpus",
    "CorpusPlan",
    "EncodedSource",
    "FrontMatterError",
    "InputError",
    "LocatedYaml",
    "ManifestError",
    "Problem",
    "Published",
    "Source",
    "SourceFileError",
    "SourceTable",
    "SourceTask",
    "describe_loc",
    "iter_corpus",
    "load_corpus",
    "load_source",
    "load_task",
    "parse_yaml_located",
    "plan_corpus",
    "published_by_id",
    "sample_corpus",
    "sources_by_id",
]
