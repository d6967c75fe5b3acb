"""The content of one reasoning trace, as every consumer of the contracts sees it.

The web backend converts database rows into :class:`TraceContent`; the training package builds
them from GSM8K rows or JSONL exports; the evaluator builds them from model outputs (keeping the
raw generated text in ``metadata["response"]``). Renderers, export records and scorers read a
trace only through the attributes of :class:`TraceLike`, which ``TraceContent`` has.

Construction cost (measured with pydantic 2.14 on GSM8K rows): validating construction,
``TraceContent(**fields)`` or ``TraceContent.model_validate(row_dict)`` with steps as dicts,
runs at about 30,000 traces/s, because validation is compiled. ``TraceContent.model_construct``
skips validation but runs in Python, and with ``Step.model_construct`` for each step it is about
*half* that speed, so it is not the fast path; it also trusts the caller completely (``steps``
must then be a ``tuple`` of ``Step``). Where even validation is too slow (streaming exports,
bulk scoring), pass any object with the :class:`TraceLike` attributes instead, e.g. a frozen
``dataclass(slots=True)`` over the row with ``steps`` as plain strings: every renderer, record
builder and scorer accepts it and gives the same result.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_STEP_TYPE = "reasoning"
"""The step ``type`` used when steps are made from plain text (GSM8K solution lines, parsed
model responses)."""

RESPONSE_METADATA_KEY = "response"
"""``metadata`` key holding the raw model output of an evaluation trace."""


class Step(BaseModel):
    """One reasoning step: ``type`` is free-form (``"reasoning"`` by default), ``content`` the
    text as stored. Renderers put each step on one line (see ``template.normalize_step``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    content: str


class TraceContent(BaseModel):
    """What a trace says, independent of how it is stored (no ids of rows, no timestamps).

    ``reference_answer`` is the known correct final answer (GSM8K's ``#### X``), ``None`` when
    unknown. ``id`` is the trace id as a string when the trace is stored, else ``None``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: str
    steps: tuple[Step, ...] = ()
    final_answer: str = ""
    reference_answer: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    id: str | None = None

    def response_text(self) -> str | None:
        """The raw model output kept for evaluation traces (``metadata["response"]`` when it is
        a string), else ``None``. Scorers prefer it to re-rendering the parsed steps."""
        return response_text(self)

    def step_contents(self) -> list[str]:
        """The steps' ``content`` strings, in order, as stored."""
        return step_contents(self)


class StepLike(Protocol):
    """Anything with a step's ``content`` (a :class:`Step`, or a light object of the caller's)."""

    @property
    def content(self) -> str: ...


class TraceLike(Protocol):
    """The attributes renderers, records and scorers read. :class:`TraceContent` has them; so
    may a caller's lighter object, whose ``steps`` may also be plain strings."""

    @property
    def prompt(self) -> str: ...

    @property
    def steps(self) -> Sequence[StepLike | str]: ...

    @property
    def final_answer(self) -> str: ...

    @property
    def reference_answer(self) -> str | None: ...

    @property
    def metadata(self) -> Mapping[str, Any]: ...

    @property
    def id(self) -> str | None: ...


def step_contents(trace: TraceLike) -> list[str]:
    """The steps' text, in order, as stored (a step may be a string or have ``content``)."""
    return [step if isinstance(step, str) else step.content for step in trace.steps]


def response_text(trace: TraceLike) -> str | None:
    """``trace.metadata["response"]`` when it is a string (the raw output of an evaluation
    trace), else ``None``."""
    value = trace.metadata.get(RESPONSE_METADATA_KEY)
    return value if isinstance(value, str) else None


def make_steps(contents: Iterable[str], step_type: str = DEFAULT_STEP_TYPE) -> tuple[Step, ...]:
    """Steps of one ``step_type`` from an iterable of strings (not a single string)."""
    if isinstance(contents, str):
        raise TypeError("make_steps() takes an iterable of step strings, not one string")
    return tuple(Step(type=step_type, content=content) for content in contents)
