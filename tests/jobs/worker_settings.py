"""Settings of the ``db_worker`` subprocess that ``test_worker_kill`` kills.

The project's settings, pointed at the test run's database, with a short
stale time, small batches and a pause after each progress report, so the
test can kill the worker in the middle of a job.
"""

import os

from interactions_crm.settings import *  # noqa: F403
from interactions_crm.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["CRM_WORKER_DB_NAME"]
CRM_JOB_STALE_AFTER = 2
CRM_DELETE_BATCH_SIZE = 3
CRM_JOB_PROGRESS_DELAY = 0.1
