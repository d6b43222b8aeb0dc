"""Test data built through the services, as the application builds it (DESIGN.md)."""
