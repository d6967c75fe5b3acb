"""Example data for a first run: ``tunix-rt demo``, ``POST /api/demo`` and the dashboard's
empty-state button."""
