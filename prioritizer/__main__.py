"""``python -m prioritizer`` runs the command line (see :func:`prioritizer.cli.main`)."""

from .cli import main

if __name__ == "__main__":
    main()
