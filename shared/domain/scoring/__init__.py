"""Scoring a kept offer: the rubric an LLM answers, its evidence checks, the gate cap, the prompt."""
