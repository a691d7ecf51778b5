"""Handling a report: triage and risk, the decisions (ICO, data subjects), actions, lessons,
closing and reopening."""
