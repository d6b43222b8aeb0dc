"""Pages of the suggestions app."""
