"""Policy texts written for the tests, in the layout of a school's policy document."""

from __future__ import annotations

from typing import Any

HEADER = (
    " \n"
    "\tName of School\t{school}\n"
    "\tPolicy Review Date\t{reviewed}\n"
    "\tNext Review Date\t{next_review}\n"
    "\tReviewed by\tGovernor Name: {governor} Governor Signature: \n"
    "\n"
    "{title}\n"
    "\n"
)

BODY = (
    "Pupils may bring a phone to school if they walk home alone. Phones are handed in at the\n"
    "office in the morning and collected at the end of the day.\n"
)


def policy_text(**given: Any) -> str:
    """A policy text with a header; any part can be replaced or given as ""."""
    values = {"school": "Oakfield Primary", "reviewed": "14th October 2021",
              "next_review": "Spring 2022", "governor": "Ruth Ellery",
              "title": "Mobile Phones Policy", "body": BODY}
    values.update(given)
    return HEADER.format(**values) + values["body"]
