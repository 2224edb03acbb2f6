"""The unified social credit code (统一社会信用代码, GB 32100-2015) that names an enterprise.

Eighteen characters from a 31-character alphabet (digits and capitals without I, O, S, V, Z);
the last is a check character over the first seventeen, so a mistyped code is caught when it is
entered rather than when the enterprise cannot sign in.
"""

from __future__ import annotations

from domain.errors import InvalidInputError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def check_character(first17: str) -> str:
    """The check character the standard computes for the first seventeen characters."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def checked_credit_code(text: str, *, field: str = "credit_code") -> str:
    """``text`` as a valid code (trimmed, upper case), or an input error naming the field."""
    code = text.strip().upper()
    params = {"field": field, "value": code}
    if not code:
        raise InvalidInputError(
            "the unified social credit code must not be empty", code="required", params=params
        )
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        raise InvalidInputError(
            f"{code!r} is not a unified social credit code (18 characters: digits and capital"
            " letters other than I, O, S, V and Z)",
            code="credit-code-malformed",
            params=params,
        )
    if check_character(code[:-1]) != code[-1]:
        raise InvalidInputError(
            f"{code!r} is not a unified social credit code: its check character is wrong"
            " (a character was probably mistyped)",
            code="credit-code-check",
            params=params,
        )
    return code
