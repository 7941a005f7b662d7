"""SIE 4 (types 1-4, E and I): reading, writing, checksums."""
