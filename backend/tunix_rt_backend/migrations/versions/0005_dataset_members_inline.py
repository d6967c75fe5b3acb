"""Dataset members stored in the dataset's row, not one `dataset_traces` row each.

A build wrote one membership row per trace, and each row's two foreign-key checks cost more
than choosing the traces (1.0 s of 1.3 s for 100,000 members). The members are now two values
of the dataset's row: `member_ids` (each trace id's 16 bytes, in manifest order) and
`member_splits` (one byte per member, `t` or `e`). That a trace in a dataset cannot be deleted
is now checked by the delete (see datasets.repository.lock_members), no longer by a foreign key.
Existing memberships are carried over both ways.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SPLIT_BYTE = {"train": b"t", "eval": b"e"}
_SPLIT_NAME = {ord(b"t"): "train", ord(b"e"): "eval"}


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    with op.batch_alter_table("datasets") as batch:
        batch.add_column(sa.Column("member_ids", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("member_splits", sa.LargeBinary(), nullable=True))
    if postgresql:
        # Random ids do not compress: store them uncompressed, which also lets an export read
        # a slice (substr) without reading the whole value.
        op.execute(
            "ALTER TABLE datasets ALTER COLUMN member_ids SET STORAGE EXTERNAL, "
            "ALTER COLUMN member_splits SET STORAGE EXTERNAL"
        )
        op.execute(
            "UPDATE datasets d SET "
            "member_ids = COALESCE((SELECT string_agg(uuid_send(m.trace_id), ''::bytea "
            "ORDER BY m.position) FROM dataset_traces m WHERE m.dataset_key = d.dataset_key), "
            "''::bytea), "
            "member_splits = COALESCE((SELECT string_agg(CASE m.split WHEN 'eval' THEN "
            "'\\x65'::bytea ELSE '\\x74'::bytea END, ''::bytea ORDER BY m.position) "
            "FROM dataset_traces m WHERE m.dataset_key = d.dataset_key), ''::bytea)"
        )
    else:
        datasets = sa.table(
            "datasets",
            sa.column("dataset_key", sa.String),
            sa.column("member_ids", sa.LargeBinary),
            sa.column("member_splits", sa.LargeBinary),
        )
        keys = bind.execute(sa.text("SELECT dataset_key FROM datasets")).scalars().all()
        for key in keys:
            rows = bind.execute(
                sa.text(
                    "SELECT trace_id, split FROM dataset_traces WHERE dataset_key = :key "
                    "ORDER BY position"
                ),
                {"key": key},
            ).all()
            bind.execute(
                datasets.update()
                .where(datasets.c.dataset_key == key)
                .values(
                    member_ids=b"".join(uuid.UUID(str(row[0])).bytes for row in rows),
                    member_splits=b"".join(_SPLIT_BYTE[row[1]] for row in rows),
                )
            )
    with op.batch_alter_table("datasets") as batch:
        batch.alter_column("member_ids", existing_type=sa.LargeBinary(), nullable=False)
        batch.alter_column("member_splits", existing_type=sa.LargeBinary(), nullable=False)
    op.drop_index("ix_dataset_traces_trace_id", table_name="dataset_traces")
    op.drop_table("dataset_traces")


def downgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    kept: Sequence[Any] = ()
    if not postgresql:
        # SQLite drops columns by copying the table, and dropping the old one would cascade to
        # dataset_traces: read the members first, drop the columns, then write them back.
        kept = bind.execute(
            sa.text("SELECT dataset_key, member_ids, member_splits FROM datasets")
        ).all()
        _drop_member_columns()
    dataset_traces = op.create_table(
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
    if postgresql:
        op.execute(
            "INSERT INTO dataset_traces (dataset_key, position, trace_id, split) "
            "SELECT d.dataset_key, g.n, "
            "encode(substr(d.member_ids, g.n * 16 + 1, 16), 'hex')::uuid, "
            "CASE get_byte(d.member_splits, g.n) WHEN 101 THEN 'eval' ELSE 'train' END "
            "FROM datasets d CROSS JOIN LATERAL "
            "generate_series(0, length(d.member_splits) - 1) AS g(n)"
        )
        _drop_member_columns()
        return
    for key, ids, splits in kept:
        members = [
            {
                "dataset_key": key,
                "position": n,
                "trace_id": uuid.UUID(bytes=bytes(ids[16 * n : 16 * n + 16])),
                "split": _SPLIT_NAME[byte],
            }
            for n, byte in enumerate(bytes(splits))
        ]
        if members:
            op.bulk_insert(dataset_traces, members)


def _drop_member_columns() -> None:
    with op.batch_alter_table("datasets") as batch:
        batch.drop_column("member_splits")
        batch.drop_column("member_ids")
