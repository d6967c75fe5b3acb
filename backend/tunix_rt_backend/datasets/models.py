"""Dataset index rows and their ordered membership (the manifest on disk is the record)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tunix_rt_backend.db import Base, JSONType, UTCDateTime


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

    __table_args__ = (
        UniqueConstraint("name", "version"),
        Index("ix_datasets_created_at", "created_at"),
    )


class DatasetTrace(Base):
    """A trace's place in a dataset. RESTRICT: a trace in a dataset cannot be deleted."""

    __tablename__ = "dataset_traces"

    dataset_key: Mapped[str] = mapped_column(
        String(128), ForeignKey("datasets.dataset_key", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    trace_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("traces.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    split: Mapped[str] = mapped_column(String(8), nullable=False)
