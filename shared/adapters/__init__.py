"""Adapters: implementations of the ports (local/ and gcp/)."""
