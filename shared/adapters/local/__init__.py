"""Local backend: SQLite store and queue, file blobs, dev tokens, heuristic provider."""
