"""Career assistant: the package bundled into every Cloud Function.

Layers (enforced by import-linter, see pyproject.toml):
domain <- ports <- services <- api/edge/bootstrap <- functions; adapters implement ports.
"""
