"""The edge of every function: HTTP routing, problem+json, OpenAPI, event and task decoding, logs.

Functions' main.py files are thin because this package does the decoding; services never see
a request or a CloudEvent.
"""
