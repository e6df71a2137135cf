"""The ``carnet`` command line: the only package that imports click, prints for a command
or exits. One module per command group, thin over the library."""

from generator.cli.main import main, run

__all__ = ["main", "run"]
