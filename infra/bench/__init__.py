"""``casetrail bench``: each figure measured next to its physical baseline, in the same run.

The machines Casetrail is measured on are shared and noisy, so every figure comes with a
baseline taken minutes apart on the same database: commands through the application against
raw inserts of the same rows, a rebuild of the read models against a COPY of as many rows, and
so on. docs/benchmarks.md holds a full run's results and what limits each figure.
"""
