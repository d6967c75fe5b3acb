"""Finer planner statistics for the trace columns that list filters search (PostgreSQL).

With the default statistics target (100), PostgreSQL estimates `prompt ILIKE '%word%'` and
`tags` / `metadata @> …` from a 100-value sample. A word in about 1 % of prompts is often
missing from that sample, is then estimated at 100 rows, and the list query reads every match
through the trigram index and sorts them (80-130 ms at 1,000,000 traces) instead of walking the
newest rows (7-15 ms). A target of 1000 resolves frequencies down to about 0.1 %.
See docs/performance.md ("Trace list latency").

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("prompt", "tags", "metadata")
STATISTICS_TARGET = 1000


def _set_statistics(target: int) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite's planner keeps no such statistics
    changes = ", ".join(f"ALTER COLUMN {column} SET STATISTICS {target}" for column in COLUMNS)
    op.execute(f"ALTER TABLE traces {changes}")
    # Autovacuum re-analyses only after 10 % of the rows change; apply the new target now.
    op.execute("ANALYZE traces")


def upgrade() -> None:
    _set_statistics(STATISTICS_TARGET)


def downgrade() -> None:
    _set_statistics(-1)
