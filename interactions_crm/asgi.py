import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interactions_crm.settings")
application = get_asgi_application()

from interactions_crm.platform.startup import settle  # noqa: E402 - needs Django set up

settle()
