"""Tamper evidence: hash chains written with every event, checkpoints, verification, dossiers.

docs/integrity.md specifies the algorithm; ``standalone.py`` is its reference implementation
and the offline verifier.
"""
