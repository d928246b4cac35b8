"""``python -m prioritizer`` runs the command line."""

from .cli import main

main()
