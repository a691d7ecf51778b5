"""Personal signing links, the e-mail reminders and printed letters that carry them."""
