"""GSM8K rows (``{"question", "answer"}``) as traces.

The solution lines before ``####`` become steps (calculator marks ``<<…>>`` removed unless
asked to keep them), the text after ``####`` the final and the reference answer; the split and
the row index go into metadata, so the same question in two splits stays two traces.
"""

from __future__ import annotations

from typing import Any

from tunix_rt_backend.contracts.parsing import parse_gsm8k_solution
from tunix_rt_backend.contracts.trace import DEFAULT_STEP_TYPE
from tunix_rt_backend.traces.schemas import TraceCreate

SOURCE = "gsm8k"
FIELDS = ("question", "answer")


def row_to_trace(
    record: Any, index: int, *, split: str | None, keep_calculator_marks: bool = False
) -> TraceCreate:
    """The trace of GSM8K row ``index`` (0-based); ``ValueError`` saying what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object with 'question' and 'answer'")
    missing = [name for name in FIELDS if not isinstance(record.get(name), str)]
    if missing:
        raise ValueError(
            f"a GSM8K row needs 'question' and 'answer' strings; missing or not text: "
            f"{', '.join(repr(m) for m in missing)}"
        )
    steps, final = parse_gsm8k_solution(record["answer"], keep_calculator_marks)
    metadata: dict[str, Any] = {"index": index}
    if split is not None:
        metadata["split"] = split
    # One validation of plain data: this runs once per row of files of any size.
    return TraceCreate.model_validate(
        {
            "prompt": record["question"],
            "steps": [{"type": DEFAULT_STEP_TYPE, "content": step} for step in steps],
            "final_answer": final,
            "reference_answer": final,
            "source": SOURCE,
            "metadata": metadata,
        }
    )
