"""Closing entries back to the books, each exactly once: to Fortnox over its API, or as a SIE 4I file."""
