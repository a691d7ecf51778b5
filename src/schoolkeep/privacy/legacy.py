"""The mark of a record made by the migration from the register's old fields."""

LEGACY_NOTE = "Recorded before Schoolkeep tracked it"
