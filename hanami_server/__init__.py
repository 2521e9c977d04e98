"""The embedded OpenHanami backend: its own process, database and data directory."""
