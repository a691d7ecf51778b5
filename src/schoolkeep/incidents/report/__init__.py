"""Reporting an incident: the short form every member uses, their own reports, and the school's
no-login "report a concern" page with its settings."""
