"""The ways an acceptable use policy is signed outside the signed-in application.

Every channel checks its own conditions, then records the signature through
``signing.services`` (the one write every signing method ends in). One subpackage per
channel, each with the usual layer names:

- ``links/``: personal signing links, and the reminders (e-mail) and printed letters that
  carry them; ``tasks`` sends reminders and makes letters in the background.
- ``page/``: the public page a link opens (``/sign/<token>``, no sign-in).
- ``kiosk/``: the reception tablet where visitors and pupils sign (``/kiosk/``), and the
  middleware that confines a kiosk session to it.
- ``paper/``: a member records a signed paper form with its scan.
"""
