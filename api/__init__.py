"""Casetrail edge: HTTP API and command line."""
