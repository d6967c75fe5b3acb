"""Score filters look up each trace's own scores, never every score of a name per trace.

Every SELECT that the count, list, bulk scoring and dataset preview routes send with a score
filter is recorded, then planned again by the database itself: on SQLite (without planner
statistics, as a fresh database has none) each trace must reach the scores through the
(trace_id, name) index; on PostgreSQL the filter must not be a subplan run again per trace.
A count of score thresholds alone reads the (name, value, trace_id) index only, a range per
threshold, and no trace at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import make_trace


@pytest.fixture
def statements(app: FastAPI) -> Iterator[list[tuple[str, Any]]]:
    recorded: list[tuple[str, Any]] = []
    engine = app.state.engine.sync_engine

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM scores" in statement:
            recorded.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    yield recorded
    event.remove(engine, "before_cursor_execute", record)


async def _plan(engine: AsyncEngine, dialect: str, statement: str, parameters: Any) -> str:
    async with engine.connect() as connection:
        if dialect == "sqlite":
            exists = await connection.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
            )
            if exists.first() is not None:
                await connection.execute(text("DELETE FROM sqlite_stat1"))
            rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return "\n".join(str(row[-1]) for row in rows)
        rows = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return "\n".join(str(row[0]) for row in rows)


async def test_score_filters_look_up_each_traces_own_scores(
    client: AsyncClient,
    migrated_engine: AsyncEngine,
    dialect: str,
    statements: list[tuple[str, Any]],
) -> None:
    # Every third answer is wrong: 20 traces score 1, 10 score 0.
    traces = [make_trace(i, final_answer="0") if i % 3 == 0 else make_trace(i) for i in range(30)]
    assert (await client.post("/api/traces/batch", json={"traces": traces})).status_code == 201
    scored = await client.post("/api/scores/bulk", json={"scorer": "answer_match", "filter": {}})
    assert scored.json()["scored"] == 30
    statements.clear()

    count = await client.get("/api/traces/count", params={"min_score.answer_match": 1})
    assert count.json() == {"count": 20}
    both: dict[str, str | int] = {"min_score.answer_match": 1, "max_score.answer_match": 0}
    assert (await client.get("/api/traces/count", params=both)).json() == {"count": 0}
    wrong: dict[str, str | int] = {"max_score.answer_match": 0, "source": "gsm8k"}
    assert (await client.get("/api/traces/count", params=wrong)).json() == {"count": 10}
    listed = await client.get(
        "/api/traces", params={"min_score.answer_match": 1, "max_score.answer_match": 1}
    )
    assert len(listed.json()["items"]) == 20
    preview = await client.post(
        "/api/datasets/preview",
        json={
            "dataset_name": "plans",
            "dataset_version": "v1",
            "filters": {"min_scores": {"answer_match": 1}},
            "limit": 5,
        },
    )
    assert preview.json() == {"matched": 20, "selected": 5}
    again = await client.post(
        "/api/scores/bulk",
        json={"scorer": "baseline", "filter": {"max_scores": {"answer_match": 0}}},
    )
    assert again.json()["matched"] == 10

    assert len(statements) >= 6
    counted_from_scores = 0
    for statement, parameters in statements:
        plan = await _plan(migrated_engine, dialect, statement, parameters)
        if "FROM traces" not in statement:  # a count of score thresholds alone
            counted_from_scores += 1
            assert "traces" not in plan, f"{statement}\n{plan}"
            if dialect == "sqlite":
                assert "USING COVERING INDEX ix_scores_name_value_trace_id (name=? AND value" in (
                    plan
                ), f"{statement}\n{plan}"
            else:  # the planner picks scan or index by table size; per trace it never goes
                assert "SubPlan" not in plan, f"{statement}\n{plan}"
            continue
        if dialect == "sqlite":
            assert "ix_scores_name_value_trace_id" not in plan, f"{statement}\n{plan}"
            assert "ix_scores_trace_id_name (trace_id=?)" in plan, f"{statement}\n{plan}"
        else:
            assert "SubPlan" not in plan, f"{statement}\n{plan}"
    # The two counts of thresholds alone, the preview's and the bulk scoring's counts; the
    # others (the list, the count with a source, the selections) read the traces.
    assert counted_from_scores == 4
