"""Dataset index rows with their ordered membership (the manifest on disk is the record)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Index, Integer, LargeBinary, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tunix_rt_backend.db import Base, JSONType, UTCDateTime

MEMBER_TRAIN, MEMBER_EVAL = b"t", b"e"
ID_BYTES = 16


class Dataset(Base):
    __tablename__ = "datasets"

    dataset_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    version: Mapped[str] = mapped_column(String(32), nullable=False)
    build_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, unique=True)
    dataset_schema_version: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    trace_count: Mapped[int] = mapped_column(Integer, nullable=False)
    split_counts: Mapped[dict[str, int]] = mapped_column(JSONType, nullable=False)
    stats: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    request: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    selection_strategy: Mapped[str] = mapped_column(String(16), nullable=False)
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    checksum: Mapped[str] = mapped_column(String(64), nullable=False)
    manifest_path: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    session_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    parent_dataset_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    training_run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    # The members in manifest order: each trace id's 16 bytes, one after the other, and one
    # byte per member for its split (MEMBER_TRAIN or MEMBER_EVAL). One value per dataset, so a
    # build writes one row whatever its size; deferred, so that only exports read them.
    # A trace in a dataset cannot be deleted: see repository.lock_members.
    member_ids: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)
    member_splits: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)

    __table_args__ = (
        UniqueConstraint("name", "version"),
        Index("ix_datasets_created_at", "created_at"),
    )
