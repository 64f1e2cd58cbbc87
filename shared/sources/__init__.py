"""Job source kinds: one module per kind that fetches and parses into the normalised offer."""
