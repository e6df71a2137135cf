"""``python -m generator`` runs the ``carnet`` command."""

from generator.cli.main import run

run()
