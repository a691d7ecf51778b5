"""How do I send this? The guide that answers "what, to whom" with the approved channel and
the policy's reminders, and the questions members ask the DPO when there is none."""
