"""Each trace stores the key of its normalised prompt and the lengths of its prompt and answer.

A dataset build groups its traces by prompt (a split keeps each prompt on one side; dedup keeps
one trace per prompt + answer) and reports their lengths in characters. It normalised every
chosen trace's prompt again and counted characters in SQL (`length()` walks the UTF-8 text),
which cost more than choosing the traces. The values are now computed once, when a trace is
stored (`traces.service.build_row`): `prompt_key` (BLAKE2b-128 of the normalised prompt, see
`contracts.keys`), `prompt_chars` and `answer_chars`. Existing traces are filled in here.

On SQLite the columns are added with a default (SQLite adds a NOT NULL column only with one,
and changing it later would copy the table, cascading to its scores); every insert sets them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from tunix_rt_backend.contracts.keys import prompt_key

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5_000
_COLUMNS = (
    ("prompt_key", sa.LargeBinary(16), "x''"),
    ("prompt_chars", sa.Integer(), "0"),
    ("answer_chars", sa.Integer(), "0"),
)


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    for name, type_, sqlite_default in _COLUMNS:
        if postgresql:
            op.add_column("traces", sa.Column(name, type_, nullable=True))
        else:
            op.add_column(
                "traces",
                sa.Column(name, type_, nullable=False, server_default=sa.text(sqlite_default)),
            )
    _fill(bind, postgresql)
    if postgresql:
        op.execute(
            "ALTER TABLE traces "
            + ", ".join(f"ALTER COLUMN {name} SET NOT NULL" for name, _, _ in _COLUMNS)
        )


def _fill(bind: Any, postgresql: bool) -> None:
    """Every stored trace's values, in batches in id order."""
    traces = sa.table(
        "traces",
        sa.column("id", sa.Uuid()),
        sa.column("prompt", sa.Text()),
        sa.column("final_answer", sa.Text()),
        sa.column("prompt_key", sa.LargeBinary()),
        sa.column("prompt_chars", sa.Integer()),
        sa.column("answer_chars", sa.Integer()),
    )
    after = None
    while True:
        stmt = sa.select(traces.c.id, traces.c.prompt, traces.c.final_answer).order_by(traces.c.id)
        if after is not None:
            stmt = stmt.where(traces.c.id > after)
        rows = bind.execute(stmt.limit(_BATCH)).all()
        if not rows:
            return
        after = rows[-1][0]
        values = [
            {"k_id": i, "k_key": prompt_key(p), "k_prompt": len(p), "k_answer": len(a)}
            for i, p, a in rows
        ]
        if postgresql:
            bind.execute(
                sa.text(
                    "UPDATE traces t SET prompt_key = u.k, prompt_chars = u.p, "
                    "answer_chars = u.a FROM unnest(CAST(:ids AS uuid[]), "
                    "CAST(:keys AS bytea[]), CAST(:prompts AS integer[]), "
                    "CAST(:answers AS integer[])) AS u(id, k, p, a) WHERE t.id = u.id"
                ),
                {
                    "ids": [v["k_id"] for v in values],
                    "keys": [v["k_key"] for v in values],
                    "prompts": [v["k_prompt"] for v in values],
                    "answers": [v["k_answer"] for v in values],
                },
            )
        else:
            bind.execute(
                traces.update()
                .where(traces.c.id == sa.bindparam("k_id"))
                .values(
                    prompt_key=sa.bindparam("k_key"),
                    prompt_chars=sa.bindparam("k_prompt"),
                    answer_chars=sa.bindparam("k_answer"),
                ),
                values,
            )


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN on SQLite too (3.35+): no copy of the table.
    for name, _, _ in reversed(_COLUMNS):
        op.execute(f"ALTER TABLE traces DROP COLUMN {name}")
