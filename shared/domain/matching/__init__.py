"""Deterministic, explainable matching: features, scoring, explanation, ranking."""
