"""Reporting periods: the domain's ``Period`` (a month, a quarter or a year in civil time)."""

from domain.periods import Period, PeriodError

__all__ = ["Period", "PeriodError"]
