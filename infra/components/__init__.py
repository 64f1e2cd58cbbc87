"""One ComponentResource per area; ``infra/__main__.py`` composes them."""
