"""The Textual terminal interface over `core`."""
