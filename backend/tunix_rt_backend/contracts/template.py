"""The Gemma turn format and the response styles, as exact text.

Gemma has no system role: a system instruction is folded into the first user turn::

    <start_of_turn>user
    {system instruction}\\n\\n{prompt}<end_of_turn>
    <start_of_turn>model
    {response}<end_of_turn>

Response styles:

- ``tags`` (default; the Tunix GRPO example's and the Kaggle "show your work" format)::

    <reasoning>{step 1}\\n{step 2}</reasoning><answer>{final answer}</answer>

- ``numbered``::

    Reasoning:\\n1. {step 1}\\n2. {step 2}\\nAnswer: {final answer}

Normalisation, so that rendering is deterministic and newline-stable (the same text whatever
the platform's line endings were):

- Every input has ``\\r\\n`` and ``\\r`` turned into ``\\n``.
- The prompt and the system instruction are stripped of surrounding whitespace; their internal
  newlines are kept (questions may have paragraphs). An empty system instruction means none.
- A step is put on one line: its lines are stripped and joined with a single space, and a step
  that is empty after that is dropped (one step per line is what the parsers read back).
  The final answer is put on one line the same way.

Snapshot tests in ``tests/contracts`` pin this text; change it only on purpose.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final, Literal

from tunix_rt_backend.contracts.trace import StepLike, TraceLike

if TYPE_CHECKING:
    from tunix_rt_backend.contracts.records import TrainingExample

START_OF_TURN: Final = "<start_of_turn>"
END_OF_TURN: Final = "<end_of_turn>"
REASONING_START: Final = "<reasoning>"
REASONING_END: Final = "</reasoning>"
ANSWER_START: Final = "<answer>"
ANSWER_END: Final = "</answer>"

USER_TURN_PREFIX: Final = f"{START_OF_TURN}user\n"
MODEL_TURN_PREFIX: Final = f"{START_OF_TURN}model\n"

DEFAULT_SYSTEM_INSTRUCTION: Final = (
    "You are given a problem. Think about the problem and provide your working out. "
    f"Place it between {REASONING_START} and {REASONING_END}. "
    f"Then, provide your final answer between {ANSWER_START} and {ANSWER_END}."
)
"""The Tunix GRPO example's system prompt. Not applied by default: pass it as ``system``."""

ResponseStyle = Literal["tags", "numbered"]
RESPONSE_STYLES: Final[tuple[ResponseStyle, ...]] = ("tags", "numbered")

NUMBERED_HEADER: Final = "Reasoning:"
NUMBERED_ANSWER_PREFIX: Final = "Answer:"


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalize_step(text: str) -> str:
    """A step (or final answer) as one line: each line stripped, empty lines dropped, the rest
    joined with one space. ``""`` when nothing is left."""
    text = normalize_newlines(text)
    if "\n" not in text:
        return text.strip()
    return " ".join(part for part in (line.strip() for line in text.split("\n")) if part)


def check_style(style: str) -> ResponseStyle:
    """``style`` as a :data:`ResponseStyle`, or ``ValueError`` naming the known styles."""
    if style == "tags":
        return "tags"
    if style == "numbered":
        return "numbered"
    raise ValueError(f"unknown response style {style!r}; expected one of {RESPONSE_STYLES}")


def render_user_content(prompt: str, system: str | None = None) -> str:
    """The text inside the user turn: ``system + "\\n\\n" + prompt`` (or just the prompt).

    This is also the ``user`` message content of chat exports."""
    body = normalize_newlines(prompt).strip()
    instruction = normalize_newlines(system).strip() if system else ""
    return f"{instruction}\n\n{body}" if instruction else body


def render_user_turn(prompt: str, system: str | None = None) -> str:
    """``<start_of_turn>user\\n{content}<end_of_turn>\\n``."""
    return f"{USER_TURN_PREFIX}{render_user_content(prompt, system)}{END_OF_TURN}\n"


def render_prompt(prompt: str, system: str | None = None) -> str:
    """The user turn plus ``<start_of_turn>model\\n``: the text generation starts from."""
    return render_user_turn(prompt, system) + MODEL_TURN_PREFIX


def _step_lines(steps: Iterable[str | StepLike]) -> list[str]:
    if isinstance(steps, str):
        raise TypeError("steps must be a sequence of step strings or Steps, not one string")
    lines = []
    for step in steps:
        line = normalize_step(step if isinstance(step, str) else step.content)
        if line:
            lines.append(line)
    return lines


def render_response(
    steps: Iterable[str | StepLike], final_answer: str, style: ResponseStyle = "tags"
) -> str:
    """The model's response (no turn markers) in ``style``."""
    lines = _step_lines(steps)
    answer = normalize_step(final_answer)
    if check_style(style) == "tags":
        reasoning = "\n".join(lines)
        return f"{REASONING_START}{reasoning}{REASONING_END}{ANSWER_START}{answer}{ANSWER_END}"
    numbered = "".join(f"{i}. {line}\n" for i, line in enumerate(lines, start=1))
    return f"{NUMBERED_HEADER}\n{numbered}{NUMBERED_ANSWER_PREFIX} {answer}"


def render_completion(
    steps: Iterable[str | StepLike], final_answer: str, style: ResponseStyle = "tags"
) -> str:
    """The response plus ``<end_of_turn>``: what the model is trained to produce."""
    return render_response(steps, final_answer, style) + END_OF_TURN


def render_conversation(
    prompt: str,
    steps: Iterable[str | StepLike],
    final_answer: str,
    style: ResponseStyle = "tags",
    system: str | None = None,
) -> str:
    """The whole conversation: ``render_prompt(...) + render_completion(...)``."""
    return render_prompt(prompt, system) + render_completion(steps, final_answer, style)


def render_tunix_sft_prompt(
    example: "TraceLike | TrainingExample", system: str | None = None
) -> str:
    """The SFT prompt text (user turn + model turn prefix) of a trace or training example.

    A ``TrainingExample``'s ``prompt`` is already the user-turn content (with any system
    instruction folded in by ``TrainingExample.from_trace``), so pass ``system`` only to fold
    in another one."""
    return render_prompt(example.prompt, system)


def render_tunix_sft_completion(
    example: "TraceLike | TrainingExample", style: ResponseStyle = "tags"
) -> str:
    """The SFT completion text (response + ``<end_of_turn>``) of a trace or training example.

    ``style`` applies to a trace only: a ``TrainingExample``'s ``response`` is
    already rendered (in the style given to ``from_trace``) and is used as it is."""
    # A local import: records imports this module.
    from tunix_rt_backend.contracts.records import TrainingExample

    if isinstance(example, TrainingExample):
        return example.response + END_OF_TURN
    return render_completion(example.steps, example.final_answer, style)


def strip_end_of_turn(text: str) -> str:
    """``text`` up to its first ``<end_of_turn>`` (a model's turn ends there; a decoder that
    keeps the stop marker leaves it in the raw output)."""
    cut = text.find(END_OF_TURN)
    return text if cut < 0 else text[:cut]
