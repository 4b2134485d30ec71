"""WSGI entry point (waitress in the embedded default, gunicorn or uWSGI behind nginx at scale)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")
application = get_wsgi_application()
