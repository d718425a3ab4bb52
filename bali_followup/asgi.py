"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from bali_followup.env import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bali_followup.settings")

application = get_asgi_application()
require_secret_key()
