"""The `bokslut` command line: one module per command group over core, and the entry point (main)."""
