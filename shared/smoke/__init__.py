"""The smoke journey: a short, real pass through a deployed (or local) API, with a time limit.

``career smoke`` runs it; the deploy workflow runs it against each candidate revision's
tagged URL before any traffic moves (infra/release.py).
"""
