"""Use cases, one module per area. They talk to ports, never to SDKs."""
