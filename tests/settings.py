"""Settings for the test suite: fixed keys (parallel workers must not race to create them),
a fast password hasher, tasks run at once, mail kept in memory."""

import os
import tempfile

os.environ.setdefault("SCHOOLKEEP_ENV", "development")
os.environ.setdefault("SCHOOLKEEP_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault(
    "SCHOOLKEEP_ENCRYPTION_KEYS", "Mb4xgl1i9cRPkIcqFMUAIA2GDZtyhtjuPwWqTTtHHq0="
)
os.environ.setdefault("SCHOOLKEEP_DATA_DIR", os.path.join(tempfile.gettempdir(), "schoolkeep-test"))
os.environ.setdefault("SCHOOLKEEP_HTTPS", "false")
os.environ.setdefault("SCHOOLKEEP_BASE_URL", "http://testserver")
os.environ.setdefault("SCHOOLKEEP_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from schoolkeep.settings import *  # noqa: F403
from schoolkeep.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_AUTOREFRESH = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Each test database is created fresh (in memory per xdist worker). Named ":memory:"
    # because pytest-django would give our own engine (lib/private_sqlite3) a file per worker.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
