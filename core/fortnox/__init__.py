"""Fortnox: OAuth connection, API client and the embedded sandbox."""
