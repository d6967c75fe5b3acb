"""Datasets and their ordered membership.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "datasets",
        sa.Column("dataset_key", sa.String(128), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("build_id", sa.Uuid(), nullable=False),
        sa.Column("dataset_schema_version", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trace_count", sa.Integer(), nullable=False),
        sa.Column("split_counts", _json(), nullable=False),
        sa.Column("stats", _json(), nullable=False),
        sa.Column("request", _json(), nullable=False),
        sa.Column("selection_strategy", sa.String(16), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("manifest_path", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("session_id", sa.String(128), nullable=True),
        sa.Column("parent_dataset_id", sa.String(128), nullable=True),
        sa.Column("training_run_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("dataset_key", name="pk_datasets"),
        sa.UniqueConstraint("build_id", name="uq_datasets_build_id"),
        sa.UniqueConstraint("name", "version", name="uq_datasets_name_version"),
    )
    op.create_index("ix_datasets_created_at", "datasets", ["created_at"])
    op.create_table(
        "dataset_traces",
        sa.Column("dataset_key", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("trace_id", sa.Uuid(), nullable=False),
        sa.Column("split", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("dataset_key", "position", name="pk_dataset_traces"),
        sa.ForeignKeyConstraint(
            ["dataset_key"],
            ["datasets.dataset_key"],
            name="fk_dataset_traces_dataset_key_datasets",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trace_id"],
            ["traces.id"],
            name="fk_dataset_traces_trace_id_traces",
            ondelete="RESTRICT",
        ),
    )
    op.create_index("ix_dataset_traces_trace_id", "dataset_traces", ["trace_id"])


def downgrade() -> None:
    op.drop_index("ix_dataset_traces_trace_id", table_name="dataset_traces")
    op.drop_table("dataset_traces")
    op.drop_index("ix_datasets_created_at", table_name="datasets")
    op.drop_table("datasets")
