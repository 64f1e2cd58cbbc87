"""Emulator harness: starts the Google Cloud emulators on 127.0.0.1, resets and stops them.

``catalog`` knows how to launch each emulator, ``process`` owns one child process (its own
process group, PID file, log file), ``stack`` starts a set of them in parallel, ``provision``
creates topics, subscriptions and queues from the topology manifest, ``functions`` runs each
function as a functions-framework process, and ``fixtures`` exposes it all to pytest.
"""
