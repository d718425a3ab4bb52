"""WSGI entry point, used by gunicorn in production."""

import os

from django.core.wsgi import get_wsgi_application

from bali_followup.env import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bali_followup.settings")

application = get_wsgi_application()
require_secret_key()
