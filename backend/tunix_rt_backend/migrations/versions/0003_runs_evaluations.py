"""Runs, run metrics, evaluations and their items.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _time(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(128), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("dataset_key", sa.String(128), nullable=True),
        sa.Column("dataset_checksum", sa.String(64), nullable=True),
        sa.Column("base_model", sa.String(256), nullable=False),
        sa.Column("config", _json(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("git_sha", sa.String(64), nullable=True),
        sa.Column("artifacts", _json(), nullable=False),
        sa.Column("summary", _json(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        _time("created_at"),
        _time("started_at", nullable=True),
        _time("finished_at", nullable=True),
        _time("heartbeat_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_index("ix_runs_created_at", "runs", ["created_at"])
    op.create_table(
        "run_metrics",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        _time("time"),
        sa.PrimaryKeyConstraint("run_id", "name", "step", name="pk_run_metrics"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name="fk_run_metrics_run_id_runs", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column("model", sa.String(256), nullable=False),
        sa.Column("dataset_key", sa.String(128), nullable=True),
        sa.Column("split", sa.String(16), nullable=True),
        sa.Column("scorers", _json(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("summary", _json(), nullable=False),
        sa.Column("config", _json(), nullable=False),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_evaluations"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name="fk_evaluations_run_id_runs", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_evaluations_created_at", "evaluations", ["created_at"])
    op.create_index("ix_evaluations_run_id", "evaluations", ["run_id"])
    op.create_table(
        "evaluation_items",
        sa.Column("evaluation_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.String(256), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("trace_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("evaluation_id", "item_id", name="pk_evaluation_items"),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name="fk_evaluation_items_evaluation_id_evaluations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trace_id"],
            ["traces.id"],
            name="fk_evaluation_items_trace_id_traces",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_evaluation_items_trace_id", "evaluation_items", ["trace_id"])


def downgrade() -> None:
    op.drop_index("ix_evaluation_items_trace_id", table_name="evaluation_items")
    op.drop_table("evaluation_items")
    op.drop_index("ix_evaluations_run_id", table_name="evaluations")
    op.drop_index("ix_evaluations_created_at", table_name="evaluations")
    op.drop_table("evaluations")
    op.drop_table("run_metrics")
    op.drop_index("ix_runs_created_at", table_name="runs")
    op.drop_table("runs")
