"""Acceptable use policies, the ways they are signed, the parents who sign them, and the
school's policy register: one Django app ("agreements", one set of migrations), in four
subpackages, one per concern.

- ``aups/``: the acceptable use policies themselves: their texts and versions, who must sign
  (``audience``), the signatures, and the member's own policy. Its ``models.py`` holds every
  model a signature points to (links, reminders, kiosks, parents), as one data model.
- ``signing/``: the channels a signature arrives by other than in the app: personal links,
  the public page they open, the kiosk and paper. All end in ``signing/services.py``.
- ``parents/``: the parents and carers who sign the parents' AUP, and their import.
- ``policies/``: the register of the school's policy documents and the governors' review.

Inside each, the usual layers keep their usual names (``models``, ``services``, ``selectors``,
``forms``, ``views``, ``urls``, ``api``, ``duties``, ``demo``, ``hooks``). ``models.py`` here
is where Django finds the models; ``urls.py`` here composes the pages under /agreements/;
``apps.py`` lists the modules that register themselves at start-up.
"""
