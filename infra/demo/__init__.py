"""Demo data: a small city's departments, people and a year of realistic handling."""
