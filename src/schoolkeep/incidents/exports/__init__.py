"""Exports of incidents: the breach log (a background job) and the draft ICO report of a
breach."""
