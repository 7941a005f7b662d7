"""Store, import, integrity checks and trial balance, on real SQLite files."""
