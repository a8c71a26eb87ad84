"""Settings of the Celery worker and beat processes that the fault test
(tests/alerts/test_delivery_faults.py) and the fan-out bench (bench/measures/alerts.py)
start: the test settings, except that mail goes over SMTP to the server EMAIL_URL names (the
test settings keep it in memory, where a separate process could not be counted)."""

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
