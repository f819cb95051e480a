import pytest

from tests.outbox.smtp import loopback_smtp


@pytest.fixture
def smtp_server(settings):
    """A loopback SMTP server the default mailer sends to, for one test."""
    yield from loopback_smtp(settings)
