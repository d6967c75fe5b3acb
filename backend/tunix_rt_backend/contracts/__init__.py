"""The contracts shared by the backend, the trainer and the evaluator.

Pure Python (standard library and pydantic only; no server, database or JAX imports):

- ``trace``: :class:`TraceContent` / :class:`Step`, what every other part takes.
- ``template``: the Gemma turn format and the ``tags`` / ``numbered`` response styles.
- ``parsing`` and ``numbers``: GSM8K solutions, model responses, answer extraction and
  comparison, number normalisation.
- ``scorers``: named, versioned scorers (``baseline``, ``format_exact``, ``format_approx``,
  ``answer_match``, ``gsm8k_reward``); ``format_check`` is the strict format of
  ``format_exact``.
- ``rewards``: the Tunix GRPO example's reward functions, reproduced as-is (lenient), behind
  ``format_approx`` and ``gsm8k_reward``.
- ``arithmetic``: multi-step arithmetic word problems with worked steps, seeded
  (:class:`ArithmeticSpec`, :func:`generate_arithmetic`).
- ``completions``: a completion as a trace (:func:`completion_trace`) and its scores
  (:func:`score_completion`), exactly as the server stores them.
- ``records``: export records (``trace``, ``tunix_sft``, ``chat``, ``prompt_only``) and
  :class:`TrainingExample`.
"""

from tunix_rt_backend.contracts.arithmetic import ArithmeticSpec, generate_arithmetic
from tunix_rt_backend.contracts.completions import (
    completion_trace,
    model_text,
    score_completion,
)
from tunix_rt_backend.contracts.format_check import FormatCheck, check_format
from tunix_rt_backend.contracts.numbers import normalize_number
from tunix_rt_backend.contracts.parsing import (
    ParsedResponse,
    ResponseParser,
    answers_match,
    extract_final_answer,
    gsm8k_to_trace,
    parse_gsm8k_solution,
    parse_response,
    strip_calculator_marks,
)
from tunix_rt_backend.contracts.records import (
    EXPORT_FORMATS,
    ExportFormat,
    TrainingExample,
    build_record,
    chat_record,
    prompt_only_record,
    trace_record,
    tunix_sft_record,
)
from tunix_rt_backend.contracts.rewards import (
    REWARD_FUNCTIONS,
    check_answer,
    check_numbers,
    match_format_approximately,
    match_format_exactly,
)
from tunix_rt_backend.contracts.scorers import (
    SCORERS,
    Scorer,
    ScoreResult,
    get_scorer,
    list_scorers,
)
from tunix_rt_backend.contracts.template import (
    ANSWER_END,
    ANSWER_START,
    DEFAULT_SYSTEM_INSTRUCTION,
    END_OF_TURN,
    MODEL_TURN_PREFIX,
    REASONING_END,
    REASONING_START,
    RESPONSE_STYLES,
    START_OF_TURN,
    ResponseStyle,
    render_completion,
    render_conversation,
    render_prompt,
    render_response,
    render_tunix_sft_completion,
    render_tunix_sft_prompt,
    render_user_turn,
)
from tunix_rt_backend.contracts.trace import Step, StepLike, TraceContent, TraceLike

__all__ = [
    "ANSWER_END",
    "ANSWER_START",
    "DEFAULT_SYSTEM_INSTRUCTION",
    "END_OF_TURN",
    "EXPORT_FORMATS",
    "MODEL_TURN_PREFIX",
    "REASONING_END",
    "REASONING_START",
    "RESPONSE_STYLES",
    "REWARD_FUNCTIONS",
    "SCORERS",
    "START_OF_TURN",
    "ArithmeticSpec",
    "ExportFormat",
    "FormatCheck",
    "ParsedResponse",
    "ResponseParser",
    "ResponseStyle",
    "ScoreResult",
    "Scorer",
    "Step",
    "StepLike",
    "TraceContent",
    "TraceLike",
    "TrainingExample",
    "answers_match",
    "build_record",
    "chat_record",
    "check_answer",
    "check_format",
    "check_numbers",
    "completion_trace",
    "extract_final_answer",
    "generate_arithmetic",
    "get_scorer",
    "gsm8k_to_trace",
    "list_scorers",
    "match_format_approximately",
    "match_format_exactly",
    "model_text",
    "normalize_number",
    "parse_gsm8k_solution",
    "parse_response",
    "prompt_only_record",
    "render_completion",
    "render_conversation",
    "render_prompt",
    "render_response",
    "render_tunix_sft_completion",
    "render_tunix_sft_prompt",
    "render_user_turn",
    "score_completion",
    "strip_calculator_marks",
    "trace_record",
    "tunix_sft_record",
]
