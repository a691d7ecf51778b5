"""One DPIA as Word and PDF, in the order of the ICO's template's steps."""
