"""``python -m nkl_data`` runs the ``nkl-data`` command line."""

from .cli import entry

if __name__ == "__main__":
    entry()
