"""Duties of the foundation (filled in by the duties work)."""
