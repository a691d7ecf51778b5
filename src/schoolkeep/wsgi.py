import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolkeep.settings")
application = get_wsgi_application()

# Production refuses to start while a demo member can still sign in (docs/deploy.md).
from schoolkeep.demo.guard import refuse_if_demo_active  # noqa: E402

refuse_if_demo_active()
