"""The seed policy (a real school's Online Security Policy, the product's main input), kept
inside the repository so the tests that read it never depend on a folder beside the clone.

``tests/data/online-security-policy.txt`` is a copy of the project's ``seed/`` file;
``tests/test_seed.py`` checks the copy still matches the original where both are present.
"""

from pathlib import Path

SEED_POLICY = Path(__file__).resolve().parent / "data" / "online-security-policy.txt"
