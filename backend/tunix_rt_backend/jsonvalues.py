"""Free-form JSON objects (metadata, configs, summaries) limited to what every store can hold.

Clients may put any JSON in these objects, but two kinds of number cannot be stored faithfully:
integers beyond 64 bits (orjson, which writes JSON columns and the trace content hash, refuses
them, and SQLite and JavaScript clients cannot hold them) and the non-standard ``NaN`` /
``Infinity`` literals that the JSON parser tolerates (they would be stored as null). Both are
refused with a 422 that names where they are, instead of failing later or changing silently.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import AfterValidator

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def json_value_problem(value: Any, path: str = "") -> str | None:
    """What makes ``value`` unstorable, with where it is (a dotted path), or None."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    if isinstance(value, int):
        if INT64_MIN <= value <= INT64_MAX:
            return None
        return f"{path or 'value'}: integers must fit in 64 bits; send larger ones as strings"
    if isinstance(value, float):
        if math.isfinite(value):
            return None
        return f"{path or 'value'}: numbers must be finite (no NaN or Infinity)"
    if isinstance(value, dict):
        for key, item in value.items():
            problem = json_value_problem(item, f"{path}.{key}" if path else str(key))
            if problem is not None:
                return problem
        return None
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            problem = json_value_problem(item, f"{path}.{index}" if path else str(index))
            if problem is not None:
                return problem
    return None


def _storable(value: dict[str, Any]) -> dict[str, Any]:
    problem = json_value_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


JsonObject = Annotated[dict[str, Any], AfterValidator(_storable)]
"""A JSON object whose numbers are 64-bit integers or finite floats."""
