"""The trace table: one reasoning trace (prompt, ordered steps, final answer)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tunix_rt_backend.db import Base, JSONType, UTCDateTime


class Trace(Base):
    __tablename__ = "traces"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    trace_version: Mapped[str] = mapped_column(String(32), nullable=False)
    source: Mapped[str] = mapped_column(String(128), nullable=False)
    prompt: Mapped[str] = mapped_column(Text, nullable=False)
    steps: Mapped[list[dict[str, str]]] = mapped_column(JSONType, nullable=False)
    step_count: Mapped[int] = mapped_column(Integer, nullable=False)
    final_answer: Mapped[str] = mapped_column(Text, nullable=False)
    reference_answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    tags: Mapped[list[str]] = mapped_column(JSONType, nullable=False)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    # Derived from the content when the trace is stored (traces.service.build_row), so that a
    # dataset build reads them as they are: the key of the normalised prompt (contracts.keys),
    # which splits and dedup group by, and the lengths in characters the statistics report.
    prompt_key: Mapped[bytes] = mapped_column(LargeBinary(16), nullable=False)
    prompt_chars: Mapped[int] = mapped_column(Integer, nullable=False)
    answer_chars: Mapped[int] = mapped_column(Integer, nullable=False)
    run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)

    __table_args__ = (
        Index("ix_traces_created_at_id", "created_at", "id"),
        Index("ix_traces_source_created_at_id", "source", "created_at", "id"),
        # Containment filters (tags @> '["x"]', metadata @> '{"k": v}') and prompt search are
        # index-backed on PostgreSQL; SQLite evaluates them with its JSON functions.
        Index(
            "ix_traces_tags_gin",
            "tags",
            postgresql_using="gin",
            postgresql_ops={"tags": "jsonb_path_ops"},
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_traces_metadata_gin",
            "metadata",
            postgresql_using="gin",
            postgresql_ops={"metadata": "jsonb_path_ops"},
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_traces_prompt_trgm",
            "prompt",
            postgresql_using="gin",
            postgresql_ops={"prompt": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )


class IdempotencyKey(Base):
    """A client's ``Idempotency-Key``: the request it guarded and the traces it produced."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    trace_ids: Mapped[list[str]] = mapped_column(JSONType, nullable=False)
    created: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
