import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interactions_crm.settings")
application = get_wsgi_application()

from interactions_crm.platform.startup import settle  # noqa: E402 - needs Django set up

settle()
