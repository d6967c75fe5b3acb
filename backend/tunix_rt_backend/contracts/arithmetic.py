"""Multi-step arithmetic word problems with worked steps: a reasoning task a tiny model can learn.

GSM8K is out of reach of a model small enough to train from scratch on a CPU, so the SFT → GRPO
loop cannot be measured on it there. These problems have the same shape (a word problem, one
line of working per step, a numeric answer) over a deliberately small vocabulary (a few names,
objects and phrasings; a BPE tokenizer of about 1,000 pieces covers it)::

    Kai has 21 marbles. Kai gets 26 more. Then Kai gives away 9. How many marbles does Kai
    have now?
    steps: "21 + 26 = 47", "47 - 9 = 38"; final and reference answer: "38"

Everything is drawn from ``random.Random(seed)``, so the same :class:`ArithmeticSpec` gives
byte-identical traces. Prompts are unique within one generation. Subtraction never goes below
zero (its operand is drawn no larger than the running value); multiplication uses small
multipliers, 2 to ``min(5, operand_max)``. Standard library and pydantic only.
"""

import random
from dataclasses import dataclass
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tunix_rt_backend.contracts.trace import DEFAULT_STEP_TYPE, TraceContent, make_steps

SOURCE: Final = "arithmetic"
GENERATOR_VERSION: Final = "1"
MAX_MULTIPLIER: Final = 5
MAX_STEPS: Final = 8
MAX_VALUE: Final = 100_000
MAX_COUNT: Final = 100_000
#: The space of problems is declared too small after this many draws per problem asked for
#: (plus a floor), or after this many draws in a row that found nothing new.
DRAWS_PER_PROBLEM: Final = 20
MIN_DRAWS: Final = 1_000
MAX_FRUITLESS_DRAWS: Final = 5_000

Operation = Literal["+", "-", "*"]
OPERATIONS: Final[tuple[Operation, ...]] = ("+", "-", "*")
DEFAULT_OPERATIONS: Final[tuple[Operation, ...]] = ("+", "-")

NAMES: Final = ("Kai", "Mia", "Leo", "Ava", "Sam", "Zoe", "Ben", "Ivy")
OBJECTS: Final = ("marbles", "apples", "stickers", "coins", "books", "shells", "pens", "cards")
PHRASES: Final[dict[Operation, tuple[str, ...]]] = {
    "+": ("{name} gets {n} more.", "{name} finds {n} more."),
    "-": ("{name} gives away {n}.", "{name} loses {n}."),
    "*": ("{name} now has {n} times as many.",),
}


_RANGES: Final = (
    ("min_steps", "max_steps"),
    ("operand_min", "operand_max"),
    ("start_min", "start_max"),
)


class ArithmeticSpec(BaseModel):
    """What to generate. Ranges are inclusive; ``operations`` is kept in ``+ - *`` order."""

    model_config = ConfigDict(extra="forbid")

    count: int = Field(ge=1, le=MAX_COUNT, description="How many problems (unique prompts).")
    seed: int = Field(default=0, ge=0, le=2**63 - 1, description="Same seed, same problems.")
    min_steps: int = Field(default=2, ge=1, le=MAX_STEPS, description="Fewest operations.")
    max_steps: int = Field(default=3, ge=1, le=MAX_STEPS, description="Most operations.")
    operand_min: int = Field(default=1, ge=1, le=MAX_VALUE, description="Smallest operand.")
    operand_max: int = Field(default=30, ge=1, le=MAX_VALUE, description="Largest operand.")
    start_min: int = Field(default=5, ge=0, le=MAX_VALUE, description="Smallest start value.")
    start_max: int = Field(default=40, ge=0, le=MAX_VALUE, description="Largest start value.")
    operations: list[Operation] = Field(
        default_factory=lambda: list(DEFAULT_OPERATIONS),
        min_length=1,
        max_length=len(OPERATIONS),
        description='Which of "+", "-", "*" to use (multipliers are 2 to min(5, operand_max)).',
    )
    answer_only: bool = Field(
        default=False, description="The same problems and answers without the worked steps."
    )

    @field_validator("operations")
    @classmethod
    def _distinct_in_order(cls, value: list[Operation]) -> list[Operation]:
        if len(set(value)) != len(value):
            raise ValueError("operations must not repeat an operation")
        return [op for op in OPERATIONS if op in value]

    @model_validator(mode="after")
    def _ranges(self) -> "ArithmeticSpec":
        for low, high in _RANGES:
            if getattr(self, low) > getattr(self, high):
                raise ValueError(
                    f"{low} ({getattr(self, low)}) exceeds {high} ({getattr(self, high)})"
                )
        if "*" in self.operations and self.operand_max < 2:
            raise ValueError('operation "*" needs operand_max >= 2 (multipliers start at 2)')
        return self


@dataclass(frozen=True, slots=True)
class Problem:
    """One generated problem: the prompt, one ``a op b = c`` line per step, the answer."""

    prompt: str
    steps: tuple[str, ...]
    answer: int
    operations: tuple[Operation, ...]


def _operand(rng: random.Random, spec: ArithmeticSpec, op: Operation, value: int) -> int:
    if op == "+":
        return rng.randint(spec.operand_min, spec.operand_max)
    if op == "-":
        return rng.randint(spec.operand_min, min(spec.operand_max, value))
    return rng.randint(2, min(MAX_MULTIPLIER, spec.operand_max))


def _apply(op: Operation, value: int, operand: int) -> int:
    if op == "+":
        return value + operand
    if op == "-":
        return value - operand
    return value * operand


def draw_problem(rng: random.Random, spec: ArithmeticSpec) -> Problem | None:
    """One problem drawn from ``rng``; ``None`` when no operation fits at some step (only
    subtraction is allowed and the running value fell below ``operand_min``)."""
    name, noun = rng.choice(NAMES), rng.choice(OBJECTS)
    steps_wanted = rng.randint(spec.min_steps, spec.max_steps)
    value = rng.randint(spec.start_min, spec.start_max)
    sentences = [f"{name} has {value} {noun}."]
    steps: list[str] = []
    used: list[Operation] = []
    for _ in range(steps_wanted):
        fitting = [op for op in spec.operations if op != "-" or value >= spec.operand_min]
        if not fitting:
            return None
        op = rng.choice(fitting)
        operand = _operand(rng, spec, op, value)
        result = _apply(op, value, operand)
        sentence = rng.choice(PHRASES[op]).format(name=name, n=operand)
        sentences.append(sentence if not steps else f"Then {sentence}")
        steps.append(f"{value} {op} {operand} = {result}")
        used.append(op)
        value = result
    sentences.append(f"How many {noun} does {name} have now?")
    return Problem(" ".join(sentences), tuple(steps), value, tuple(used))


def generate_problems(spec: ArithmeticSpec) -> list[Problem]:
    """``spec.count`` problems with distinct prompts, in draw order.

    ``ValueError`` saying which knobs to widen when that many distinct prompts are not found
    within a bounded number of draws (the space of problems is too small)."""
    rng = random.Random(spec.seed)
    seen: set[str] = set()
    problems: list[Problem] = []
    max_draws = DRAWS_PER_PROBLEM * spec.count + MIN_DRAWS
    draws = fruitless = 0
    while len(problems) < spec.count:
        if draws >= max_draws or fruitless >= MAX_FRUITLESS_DRAWS:
            raise ValueError(_too_small(spec, len(problems), draws))
        draws += 1
        problem = draw_problem(rng, spec)
        if problem is None or problem.prompt in seen:
            fruitless += 1
            continue
        fruitless = 0
        seen.add(problem.prompt)
        problems.append(problem)
    return problems


def _too_small(spec: ArithmeticSpec, found: int, draws: int) -> str:
    return (
        f"only {found} distinct problems found in {draws} draws, {spec.count} asked for: the "
        "space of problems is too small. Widen the operand range (operand_min..operand_max, "
        f"now {spec.operand_min}..{spec.operand_max}), the start range (start_min..start_max, "
        f"now {spec.start_min}..{spec.start_max}), the steps (min_steps..max_steps, now "
        f"{spec.min_steps}..{spec.max_steps}) or the operations (now "
        f"{','.join(spec.operations)}), or ask for fewer."
    )


def trace_tags(difficulty: int, answer_only: bool) -> list[str]:
    """``["arithmetic", "steps-<k>"]`` plus ``"worked"``, or ``"answer-only"`` for the variant
    without steps (so a dataset can take either: ``--tag worked``)."""
    return [SOURCE, f"steps-{difficulty}", "answer-only" if answer_only else "worked"]


def _metadata(spec: ArithmeticSpec, index: int, problem: Problem) -> dict[str, Any]:
    return {
        "difficulty": len(problem.steps),
        "operations": list(problem.operations),
        "generator": {
            "name": SOURCE,
            "version": GENERATOR_VERSION,
            "seed": spec.seed,
            "index": index,
        },
    }


def trace_fields(spec: ArithmeticSpec) -> list[dict[str, Any]]:
    """The generated traces as the fields of a stored trace (``prompt``, ``steps`` as
    ``{type, content}``, ``final_answer``, ``reference_answer``, ``source``, ``tags``,
    ``metadata``): what ``POST /api/sources/arithmetic/generate`` stores."""
    fields = []
    for index, problem in enumerate(generate_problems(spec)):
        steps = () if spec.answer_only else problem.steps
        fields.append(
            {
                "prompt": problem.prompt,
                "steps": [{"type": DEFAULT_STEP_TYPE, "content": step} for step in steps],
                "final_answer": str(problem.answer),
                "reference_answer": str(problem.answer),
                "source": SOURCE,
                "tags": trace_tags(len(problem.steps), spec.answer_only),
                "metadata": _metadata(spec, index, problem),
            }
        )
    return fields


def generate_arithmetic(spec: ArithmeticSpec) -> list[TraceContent]:
    """The generated traces (source ``arithmetic``; tags from :func:`trace_tags`). With
    ``answer_only``, the same prompts and answers as without, and no steps."""
    return [
        TraceContent(
            prompt=problem.prompt,
            steps=() if spec.answer_only else make_steps(problem.steps),
            final_answer=str(problem.answer),
            reference_answer=str(problem.answer),
            metadata=_metadata(spec, index, problem),
        )
        for index, problem in enumerate(generate_problems(spec))
    ]
