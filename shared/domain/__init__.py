"""Pure models, state machines, rules, errors and the failure taxonomy (stdlib + pydantic)."""
