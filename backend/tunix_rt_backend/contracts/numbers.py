"""Numbers in answers, read exactly.

Numbers are compared exactly, as :class:`fractions.Fraction` values, so ``0.5``, ``1/2`` and
``.50`` are the same answer. Accepted: optional sign (``-``, ``+`` or the Unicode minus), an
optional ``$``, thousands separators in the ``1,234,567`` form, decimals (``12.50``, ``.5``)
and simple fractions (``3/4``). A trailing ``%`` is ignored and the value is *not* divided by
100 (GSM8K answers are written without the sign, so ``"50%"`` answers ``"50"``). Scientific
notation is not read.

Two readings of a text that holds several numbers: :func:`parse_number` takes the **last** one
(``"The answer is 18."`` → 18, ``"5 - 3 = 2"`` → 2), which suits a reference answer or a
dedup key; :func:`number_values` lists every distinct one, so that a scorer can refuse an
answer that hedges between several (``"maybe 3 or 72"``).
"""

import re
from fractions import Fraction

# A number token. The look-behind keeps digits inside words ("x2") and the tails of dotted
# strings ("1.2.3") out; a minus right after a digit ("5-3") is an operator, not a sign.
_NUMBER = re.compile(
    r"""
    (?<![\w.])
    (?:(?P<sign>[-+\u2212])\$?|\$(?P<sign_after>[-+\u2212])?)?
    (?P<number>
        [0-9]+/[0-9]+
      | [0-9]{1,3}(?:,[0-9]{3})+(?![0-9])(?:\.[0-9]+)?
      | [0-9]+(?:\.[0-9]+)?
      | \.[0-9]+
    )
    """,
    re.VERBOSE,
)


def _value(match: re.Match[str]) -> Fraction | None:
    sign = match.group("sign") or match.group("sign_after") or ""
    try:
        value = Fraction(match.group("number").replace(",", ""))
    except (ValueError, ZeroDivisionError):  # "3/0"
        return None
    return -value if sign in ("-", "\u2212") else value


def parse_number(text: str) -> Fraction | None:
    """The exact value of the number ``text`` is, or of the last number in it; ``None`` when
    there is none (see the module docstring for what is read)."""
    matches = list(_NUMBER.finditer(text))
    return _value(matches[-1]) if matches else None


def number_values(text: str) -> list[Fraction]:
    """Every distinct value written in ``text``, in the order first written: ``"72 (72.0)"``
    → ``[72]``; ``"12 + 60 = 72"`` → ``[12, 60, 72]``; ``"3/0"`` is no number."""
    values: list[Fraction] = []
    for match in _NUMBER.finditer(text):
        value = _value(match)
        if value is not None and value not in values:
            values.append(value)
    return values


def canonical_number(value: Fraction) -> str:
    """The canonical text of a value: ``"18"``, ``"-2.5"``, ``"0.75"``; fractions without a
    finite decimal form as ``"1/3"``."""
    numerator, denominator = value.numerator, value.denominator
    if denominator == 1:
        return str(numerator)
    rest, twos, fives = denominator, 0, 0
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest != 1:
        return f"{numerator}/{denominator}"
    places = max(twos, fives)
    digits = str(abs(numerator) * 10**places // denominator).rjust(places + 1, "0")
    sign = "-" if numerator < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def normalize_number(text: str) -> str | None:
    """The canonical numeric string of ``text`` (``"1,000"`` → ``"1000"``, ``"$18.00"`` →
    ``"18"``, ``"3/4"`` → ``"0.75"``, ``"The answer is 18."`` → ``"18"``), or ``None`` when it
    holds no number."""
    value = parse_number(text)
    return None if value is None else canonical_number(value)


def normalize_text_answer(text: str) -> str:
    """A non-numeric answer for comparison: whitespace runs collapsed to one space,
    case-folded, one trailing period dropped."""
    folded = " ".join(text.split()).casefold()
    return folded[:-1].rstrip() if folded.endswith(".") else folded
