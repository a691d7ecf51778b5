"""The public page of a personal signing link: ``/sign/<token>``, with no sign-in."""
