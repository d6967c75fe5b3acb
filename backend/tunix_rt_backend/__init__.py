"""tunix-rt backend: the trace store, scorers, datasets and run registry."""

__version__ = "0.1.0"
