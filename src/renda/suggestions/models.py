"""Models of the suggestions app."""
