"""Figures computed from read-model rows at the moment they are asked for.

Stored rows never depend on "now"; these functions take the time, the calendar and the policy
as arguments, so the same rows always give the same figures for the same moment. Each figure
names its definition version (``DEFINITIONS``) and the log position of the rows it used.
"""

DEFINITIONS = "metrics-2026.2"
"""The version of the formulas in docs/metrics.md; bump it whenever one changes."""
DEFINITION_VERSIONS = ("metrics-2026.1", DEFINITIONS)
"""Every version a figure can still be computed under (the earlier ones in ``legacy``)."""
