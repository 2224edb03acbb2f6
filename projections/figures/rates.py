"""Rates as fractions that show their counts, so every published figure can be checked."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """The rate in [0, 1], or None when nothing was counted (never a made-up 0 or 100 %)."""
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict[str, int | float | None]:
        value = self.value
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": round(value, 6) if value is not None else None,
        }


def rate(numerator: int, denominator: int) -> Rate:
    return Rate(numerator, denominator)
