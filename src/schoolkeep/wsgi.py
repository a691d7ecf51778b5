import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolkeep.settings")
application = get_wsgi_application()

# Production refuses to start while a demo member can still sign in (docs/deploy.md).
from schoolkeep.demo.guard import refuse_if_demo_active  # noqa: E402

refuse_if_demo_active()

# gunicorn started on its own (not through `schoolkeep serve`) refuses broken settings and an
# open data folder too: the same checks as `serve` and `worker` (docs/deploy.md).
from django.conf import settings  # noqa: E402

if settings.PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    from schoolkeep.lib.startup_checks import start_up_errors

    _errors = start_up_errors()
    if _errors:
        raise ImproperlyConfigured("refusing to start: " + "; ".join(_errors))
