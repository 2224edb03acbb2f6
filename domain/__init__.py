"""The pure domain of Casetrail: aggregates, their events, rules and application services.

Nothing here performs I/O or reads the clock; time and policy come in as arguments.
"""
