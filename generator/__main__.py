"""``python -m generator`` runs the ``carnet`` command."""

from generator.cli.main import main

main(prog_name="carnet")
