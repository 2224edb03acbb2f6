"""Application services: load aggregates, act on them, save them (one module per area)."""
