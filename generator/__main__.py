"""``python -m generator`` runs the ``carnet`` command."""

from generator.cli import main

main(prog_name="carnet")
