"""claimrecon: extract typed claims from a corpus of articles and report where sources disagree."""
__version__ = "0.1.0"

__all__ = ["__version__"]
