"""Cloud Functions entry points, one folder each with a thin main.py."""
