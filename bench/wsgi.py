"""WSGI entry of the throughput case: the application plus ``bench.baseline``.

gunicorn serves the application's URLs and the minimal endpoint from the same
workers, so the two are measured in the same configuration.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interactions_crm.settings")
application = get_wsgi_application()
settings.ROOT_URLCONF = "bench.baseline"

from interactions_crm.platform.startup import settle  # noqa: E402 - needs Django set up

settle()  # as interactions_crm/wsgi.py, with the baseline URLconf
