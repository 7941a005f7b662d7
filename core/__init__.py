"""bokslut's core: data, rules and I/O. Knows nothing of the terminal interface."""
