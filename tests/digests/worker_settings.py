"""Settings of the worker subprocesses that tests kill: the portal's own, read from the
environment as always, plus a mail backend that pauses after each message the server takes and
a Celery queue of the test's own (``DIGEST_TEST_QUEUE``), so nothing else on the broker is
touched.
"""

import os

from portal.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.digests.backends.PausingSMTPBackend"
CELERY_TASK_DEFAULT_QUEUE = os.environ["DIGEST_TEST_QUEUE"]
