"""Which checks each kind of person needs (a school's or its trust's rules), and the pages
that change them and the record's settings."""
