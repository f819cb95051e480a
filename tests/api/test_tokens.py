"""Hashed API tokens: issued once, stored as a digest, expiring, revocable."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from interactions_crm.platform.api.auth import (
    ApiTokenAuthentication,
    issue_token,
    revoke_tokens,
)
from interactions_crm.platform.api.tokens import ApiToken
from interactions_crm.platform.models import AuditEvent

pytestmark = pytest.mark.django_db


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_only_the_digest_of_a_token_is_stored(integrator):
    token = issue_token(actor=None, user=integrator)
    stored = ApiToken.objects.get(pk=token.pk)

    assert stored.digest == hashlib.sha256(token.key.encode()).hexdigest()
    assert token.key not in {stored.digest, stored.prefix, stored.name}
    assert stored.prefix == token.key[:8]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM platform_apitoken")
        assert not any(token.key in str(row) for row in cursor.fetchall())


def test_a_token_expires_by_default_after_a_year(integrator):
    token = issue_token(actor=None, user=integrator)

    expected = timezone.now() + dt.timedelta(days=365)
    assert abs(token.expires_at - expected) < dt.timedelta(minutes=1)


def test_a_valid_token_authenticates_in_one_query(
    integrator, django_assert_num_queries
):
    token = issue_token(actor=None, user=integrator)

    with django_assert_num_queries(1):
        user, auth = ApiTokenAuthentication().authenticate_credentials(token.key)

    assert (user, auth.pk) == (integrator, token.pk)


def test_an_unknown_token_is_401(integrator):
    response = client_with("0" * 64).get("/api/v1/contacts/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"revoked_at": "now"}, "The token has been revoked."),
        ({"expires_at": "past"}, "The token has expired."),
    ],
)
def test_revoked_and_expired_tokens_are_refused_with_401(integrator, change, message):
    token = issue_token(actor=None, user=integrator)
    values = {
        "revoked_at": timezone.now(),
        "expires_at": timezone.now() - dt.timedelta(seconds=1),
    }
    ApiToken.objects.filter(pk=token.pk).update(
        **{field: values[field] for field in change}
    )

    response = client_with(token.key).get("/api/v1/contacts/")

    assert response.status_code == 401
    assert response.json() == {"detail": message}


def test_a_token_of_an_inactive_user_is_refused(integrator):
    token = issue_token(actor=None, user=integrator)
    integrator.is_active = False
    integrator.save()

    response = client_with(token.key).get("/api/v1/contacts/")

    assert response.status_code == 401


def test_revoking_is_audited_and_keeps_the_row(integrator, admin_user):
    token = issue_token(actor=None, user=integrator)

    count = revoke_tokens(actor=admin_user, tokens=ApiToken.objects.all())
    again = revoke_tokens(actor=admin_user, tokens=ApiToken.objects.all())

    assert (count, again) == (1, 0)
    assert ApiToken.objects.get(pk=token.pk).is_revoked
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == admin_user
    assert event.changes == {"prefixes": [token.prefix]}
    assert AuditEvent.objects.filter(action="api_token.issue").count() == 1


def test_admin_issues_a_token_shows_it_once_and_revokes_it(
    client, admin_user, integrator
):
    client.force_login(admin_user)

    created = client.post(
        "/admin/platform/apitoken/add/",
        {"user": integrator.pk, "name": "ERP", "valid_days": "30"},
        follow=True,
    )
    key = re.search(r"is ([0-9a-f]{64})", created.content.decode()).group(1)
    token = ApiToken.objects.get(user=integrator)
    before = client_with(key).get("/api/v1/contacts/")
    revoked = client.post(
        "/admin/platform/apitoken/",
        {"action": "revoke_selected", "_selected_action": [token.pk]},
    )
    after = client_with(key).get("/api/v1/contacts/")
    listing = client.get("/admin/platform/apitoken/")

    assert token.name == "ERP"
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=30)).date()
    assert before.status_code == 200
    assert revoked.status_code == 302
    assert after.status_code == 401
    assert token.prefix.encode() in listing.content
    assert key.encode() not in listing.content


def test_command_creates_lists_and_revokes(integrator, capsys):
    call_command("api_token", "create", "erp", "--days", "7", "--name", "ERP")
    key = re.search(r"Generated token ([0-9a-f]{64})", capsys.readouterr().out)[1]
    before = client_with(key).get("/api/v1/contacts/")
    call_command("api_token", "list", "--user", "erp")
    listed = capsys.readouterr().out
    call_command("api_token", "revoke", key[:8])
    after = client_with(key).get("/api/v1/contacts/")

    assert before.status_code == 200
    assert f"{key[:8]}  erp  active" in listed
    assert after.status_code == 401


def test_command_refuses_unknown_user_and_bad_validity(integrator):
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("api_token", "create", "nobody")
    with pytest.raises(CommandError, match="at least 1"):
        call_command("api_token", "create", "erp", "--days", "0")
    with pytest.raises(CommandError, match="No such token"):
        call_command("api_token", "revoke", "deadbeef")
