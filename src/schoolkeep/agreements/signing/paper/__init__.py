"""Paper signatures: a signed paper form recorded by a member, with its scan."""
