"""Test doubles and helpers shared by every test layer (imported by tests/conftest.py)."""
