"""Traces, scores and idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    is_pg = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "traces",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trace_version", sa.String(32), nullable=False),
        sa.Column("source", sa.String(128), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("steps", _json(), nullable=False),
        sa.Column("step_count", sa.Integer(), nullable=False),
        sa.Column("final_answer", sa.Text(), nullable=False),
        sa.Column("reference_answer", sa.Text(), nullable=True),
        sa.Column("tags", _json(), nullable=False),
        sa.Column("metadata", _json(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_traces"),
        sa.UniqueConstraint("content_hash", name="uq_traces_content_hash"),
    )
    op.create_index("ix_traces_created_at_id", "traces", ["created_at", "id"])
    op.create_index("ix_traces_source_created_at_id", "traces", ["source", "created_at", "id"])
    op.create_index("ix_traces_run_id", "traces", ["run_id"])
    if is_pg:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_traces_tags_gin",
            "traces",
            ["tags"],
            postgresql_using="gin",
            postgresql_ops={"tags": "jsonb_path_ops"},
        )
        op.create_index(
            "ix_traces_metadata_gin",
            "traces",
            ["metadata"],
            postgresql_using="gin",
            postgresql_ops={"metadata": "jsonb_path_ops"},
        )
        op.create_index(
            "ix_traces_prompt_trgm",
            "traces",
            ["prompt"],
            postgresql_using="gin",
            postgresql_ops={"prompt": "gin_trgm_ops"},
        )

    op.create_table(
        "scores",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("trace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("version", sa.String(32), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("label", sa.String(128), nullable=True),
        sa.Column("details", _json(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scores"),
        sa.ForeignKeyConstraint(
            ["trace_id"], ["traces.id"], name="fk_scores_trace_id_traces", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_scores_trace_id_name", "scores", ["trace_id", "name"])
    op.create_index("ix_scores_name_value_trace_id", "scores", ["name", "value", "trace_id"])

    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("trace_ids", _json(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "scope", name="pk_idempotency_keys"),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_index("ix_scores_name_value_trace_id", table_name="scores")
    op.drop_index("ix_scores_trace_id_name", table_name="scores")
    op.drop_table("scores")
    op.drop_table("traces")
