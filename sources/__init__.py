"""Sources: a corpus of articles with their metadata, and the problems met reading it."""
from sources.corpus import Corpus, iter_corpus, load_corpus, load_source, sample_corpus
from sources.errors import FrontMatterError, InputError, ManifestError, SourceFileError
from sources.models import Problem, Published, Source
from sources.yamldoc import LocatedYaml, describe_loc, parse_yaml_located

__all__ = [
    "Corpus",
    "FrontMatterError",
    "InputError",
    "LocatedYaml",
    "ManifestError",
    "Problem",
    "Published",
    "Source",
    "SourceFileError",
    "describe_loc",
    "iter_corpus",
    "load_corpus",
    "load_source",
    "parse_yaml_located",
    "sample_corpus",
]
