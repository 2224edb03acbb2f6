"""Figures computed from read-model rows at the moment they are asked for.

Stored rows never depend on "now"; these functions take the time, the calendar and the policy
as arguments, so the same rows always give the same figures for the same moment. Each figure
names its definition version (``DEFINITIONS``) and the log position of the rows it used.
"""

METRICS_2026_1 = "metrics-2026.1"
METRICS_2026_2 = "metrics-2026.2"
"""Handling figures judged by the first answer; returns charged to the unit that asked."""
METRICS_2026_3 = "metrics-2026.3"
"""Reviews, lists, rankings and visits that no one can game: 差评整改率 counts 差评 rectified
on time, 主动评价率 every service delivered, lists by policy floors with equal figures sharing
a rank, visits recorded late or disputed meeting no quota."""

DEFINITIONS = METRICS_2026_3
"""The version of the formulas in docs/metrics.md; bump it whenever one changes."""
DEFINITION_VERSIONS = (METRICS_2026_1, METRICS_2026_2, METRICS_2026_3)
"""Every version a figure can still be computed under (the earlier ones in ``legacy``)."""
