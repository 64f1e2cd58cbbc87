"""The ``career`` command line."""
