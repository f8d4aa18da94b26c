"""Sources: a corpus of articles with their metadata, and the problems met reading it."""
from sources.errors import FrontMatterError, InputError, ManifestError, SourceFileError
from sources.models import Problem, Published, Source
from sources.yamldoc import LocatedYaml, describe_loc, parse_yaml_located

__all__ = [
    "FrontMatterError",
    "InputError",
    "LocatedYaml",
    "ManifestError",
    "Problem",
    "Published",
    "Source",
    "SourceFileError",
    "describe_loc",
    "parse_yaml_located",
]
