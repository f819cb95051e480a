"""Shared fixtures: personas (STYLE.md) and master data."""

import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework.authtoken.models import Token

from tests import factories

STAFF_PERMISSIONS = [
    "contacts.view_contact",
    "contacts.add_contact",
    "contacts.change_contact",
    "contacts.view_salesperson",
    "interactions.view_interactionlogentry",
    "interactions.add_interactionlogentry",
    "interactions.cancel_interactionlogentry",
    "interactions.evaluate_interactionlogentry",
    "interactions.view_entrycomment",
    "interactions.add_entrycomment",
    "interactions.view_interactiontemplate",
    "interactions.view_interactiongroup",
    "interactions.view_campaign",
    "interactions.view_segment",
    "interactions.add_segment",
    "interactions.change_segment",
    "interactions.delete_segment",
    "interactions.log_segment",
    "interactions.view_loggedsegment",
    "interactions.change_loggedsegment",
]


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Render pages without a collected static manifest (no collectstatic in tests)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """PBKDF2 costs seconds per user on a loaded machine; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def grant(user, *perms: str) -> None:
    """Give ``user`` the named ``app_label.codename`` permissions."""
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


@pytest.fixture
def staff_user(db):
    """Sales staff: records, browses, cancels and evaluates; no batch delete."""
    user = factories.UserFactory(username="staff", is_staff=False)
    grant(user, *STAFF_PERMISSIONS)
    return user


@pytest.fixture
def staff_without_permission(db):
    """Logged in, but holds no CRM permission at all."""
    return factories.UserFactory(username="outsider")


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def integrator(db):
    """An ERP's API user: member of the Integrator group (made by migrate)."""
    user = factories.UserFactory(username="erp")
    user.groups.add(Group.objects.get(name="Integrator"))
    return user


@pytest.fixture
def integrator_token(integrator) -> Token:
    """The integrator's API token (``Authorization: Token <key>``)."""
    return Token.objects.create(user=integrator)


@pytest.fixture
def salesperson(db, staff_user):
    return factories.SalespersonFactory(code="JO", name="Jo Nordmann", user=staff_user)


@pytest.fixture
def company(db):
    return factories.CompanyFactory(name="Fjord Handel AS")


@pytest.fixture
def person(db, company):
    return factories.PersonFactory(name="Kari Nordmann", company=company)


@pytest.fixture
def template(db):
    return factories.TemplateFactory(code="LETTER", group__code="LETTER")
