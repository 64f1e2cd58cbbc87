"""Repositories: one class per aggregate, the only code that knows collection paths and stored
field names. Each takes ports (``store: DocumentStore``, ...) and returns typed domain models;
every stored document carries ``schema_version``."""
