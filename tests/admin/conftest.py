"""Fixtures for the admin tests: admin personas and entries made by services."""

import pytest

from tests import factories
from tests.conftest import grant


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded and generated attachments go to a throw-away directory."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def static_root(settings, tmp_path):
    """An existing STATIC_ROOT, so WhiteNoise does not warn on every request."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.fixture
def clerk(db):
    """Staff (may enter /admin/) but holds no permission at all."""
    return factories.UserFactory(username="clerk", is_staff=True)


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def log_keeper(db):
    """Staff who works the log in admin (view, cancel, evaluate) but may not
    run the batch job that deletes canceled entries."""
    user = factories.UserFactory(username="keeper", is_staff=True)
    grant(
        user,
        "interactions.view_interactionlogentry",
        "interactions.cancel_interactionlogentry",
        "interactions.evaluate_interactionlogentry",
        "contacts.view_contact",
    )
    return user


@pytest.fixture
def log_keeper_client(client, log_keeper):
    client.force_login(log_keeper)
    return client
