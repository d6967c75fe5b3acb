"""Runs record the run they started from; GRPO rollouts are stored per run and step.

`runs.parent_run_id` names the run a run started from (a GRPO run from an SFT checkpoint); when
that run is deleted the column is set to NULL. `run_rollout_steps` holds each recorded step's
scorers and reward weights, `run_rollouts` each sampled completion's place (group, index), its
trace, advantage and reward. Both go with their run (cascade); a completion goes with its trace.

On SQLite the column is added with its foreign key inline (SQLite cannot add a constraint to an
existing table, and rebuilding `runs` would cascade its delete to the metrics and evaluations).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PARENT_FK = "fk_runs_parent_run_id_runs"


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("runs", sa.Column("parent_run_id", sa.Uuid(), nullable=True))
        op.create_foreign_key(
            _PARENT_FK, "runs", "runs", ["parent_run_id"], ["id"], ondelete="SET NULL"
        )
    else:
        op.execute(
            f"ALTER TABLE runs ADD COLUMN parent_run_id CHAR(32) CONSTRAINT {_PARENT_FK} "
            "REFERENCES runs (id) ON DELETE SET NULL"
        )
    op.create_index("ix_runs_parent_run_id", "runs", ["parent_run_id"])
    op.create_table(
        "run_rollout_steps",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("scorers", _json(), nullable=False),
        sa.Column("weights", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "step", name="pk_run_rollout_steps"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name="fk_run_rollout_steps_run_id_runs", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "run_rollouts",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("group_index", sa.Integer(), nullable=False),
        sa.Column("completion_index", sa.Integer(), nullable=False),
        sa.Column("trace_id", sa.Uuid(), nullable=False),
        sa.Column("advantage", sa.Float(), nullable=False),
        sa.Column("reward", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(
            "run_id", "step", "group_index", "completion_index", name="pk_run_rollouts"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name="fk_run_rollouts_run_id_runs", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["trace_id"], ["traces.id"], name="fk_run_rollouts_trace_id_traces", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_run_rollouts_trace_id", "run_rollouts", ["trace_id"])


def downgrade() -> None:
    op.drop_index("ix_run_rollouts_trace_id", table_name="run_rollouts")
    op.drop_table("run_rollouts")
    op.drop_table("run_rollout_steps")
    op.drop_index("ix_runs_parent_run_id", table_name="runs")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(_PARENT_FK, "runs", type_="foreignkey")
        op.drop_column("runs", "parent_run_id")
    else:
        # SQLite drops a column whose only constraint is its own REFERENCES clause in place.
        op.execute("ALTER TABLE runs DROP COLUMN parent_run_id")
