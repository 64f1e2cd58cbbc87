"""The embedded local stack behind `career serve`."""
