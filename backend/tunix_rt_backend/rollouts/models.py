"""GRPO rollouts: the completions a run sampled at a step, each stored as a trace.

A step's request (its scorers and reward weights) is one ``run_rollout_steps`` row; each
completion is one ``run_rollouts`` row naming its trace, so listing a run's steps is a GROUP BY
on small rows, never a scan of trace metadata.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Float, ForeignKey, Integer, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tunix_rt_backend.db import Base, JSONType, UTCDateTime


class RolloutStep(Base):
    __tablename__ = "run_rollout_steps"

    run_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[int] = mapped_column(Integer, primary_key=True)
    scorers: Mapped[list[str]] = mapped_column(JSONType, nullable=False)
    weights: Mapped[dict[str, float]] = mapped_column(JSONType, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class Rollout(Base):
    """One sampled completion: its place in the step (group, index) and its trace."""

    __tablename__ = "run_rollouts"

    run_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    completion_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Deleting the trace removes the completion from the step (and nothing else).
    trace_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("traces.id", ondelete="CASCADE"), nullable=False, index=True
    )
    advantage: Mapped[float] = mapped_column(Float, nullable=False)
    reward: Mapped[float] = mapped_column(Float, nullable=False)
