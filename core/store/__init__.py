"""The peewee store: one SQLite file per data directory."""
