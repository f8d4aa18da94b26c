"""`python -m claimrecon` runs the command line."""
from claimrecon.cli import entry

entry()
