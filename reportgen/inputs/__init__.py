"""Inputs: reading an assessment (JSON with lines), its schema, the checks against the catalogue, a starting file."""
