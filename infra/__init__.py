"""Pulumi program: every resource from the topology manifest."""
