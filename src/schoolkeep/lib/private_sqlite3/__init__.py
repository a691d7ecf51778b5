"""Django's SQLite backend, making the database file private (schoolkeep.lib.private_files)."""
