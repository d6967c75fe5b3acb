"""Checks of export records, for files made elsewhere or by older versions (pure)."""

from typing import Any, Final

from tunix_rt_backend.contracts.rewards import MATCH_FORMAT
from tunix_rt_backend.contracts.template import (
    ANSWER_START,
    END_OF_TURN,
    MODEL_TURN_PREFIX,
    REASONING_START,
    START_OF_TURN,
    USER_TURN_PREFIX,
)

TUNIX_SFT_FIELDS: Final = frozenset(
    {"id", "prompts", "prompt", "completion", "final_answer", "metadata"}
)


def tunix_sft_problems(record: Any) -> list[str]:
    """What is wrong with one ``tunix_sft`` record (empty when it is exactly right)."""
    if not isinstance(record, dict):
        return ["a record must be a JSON object"]
    problems: list[str] = []
    keys = set(record)
    if keys != TUNIX_SFT_FIELDS:
        missing = sorted(TUNIX_SFT_FIELDS - keys)
        extra = sorted(keys - TUNIX_SFT_FIELDS)
        problems.append(f"fields differ: missing {missing}, unexpected {extra}")
    for field in ("id", "prompts", "prompt", "completion", "final_answer"):
        if field in record and not isinstance(record[field], str):
            problems.append(f"{field} must be a string")
    if "metadata" in record and not isinstance(record["metadata"], dict):
        problems.append("metadata must be an object")
    if problems:
        return problems
    prompt: str = record["prompt"]
    completion: str = record["completion"]
    if not prompt.startswith(USER_TURN_PREFIX):
        problems.append(f"prompt must start with {USER_TURN_PREFIX!r}")
    if not prompt.endswith(END_OF_TURN + "\n" + MODEL_TURN_PREFIX):
        problems.append("prompt must end with the user turn's end and the model turn's start")
    if prompt.count(START_OF_TURN) != 2:
        problems.append("prompt must hold exactly one user turn and the model turn's start")
    if not completion.endswith(END_OF_TURN) or completion.count(END_OF_TURN) != 1:
        problems.append(f"completion must end with one {END_OF_TURN!r}")
    if START_OF_TURN in completion:
        problems.append(f"completion must not open a turn ({START_OF_TURN!r})")
    if record["prompts"] != prompt + completion:
        problems.append("prompts must equal prompt + completion")
    response = completion.removesuffix(END_OF_TURN)
    if REASONING_START in response or ANSWER_START in response:
        if MATCH_FORMAT.search(response) is None:
            problems.append("completion has <reasoning>/<answer> tags but not in the exact format")
    elif not response.startswith("Reasoning:\n"):
        problems.append("completion is in neither the tags nor the numbered style")
    if not record["final_answer"].strip():
        problems.append("final_answer is empty")
    return problems
