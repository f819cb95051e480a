"""seed_demo: a realistic demo database, loaded once, with the demo login."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from contacts.models import Contact, Salesperson
from interactions.models import DocumentTemplateSetup, DocumentType, InteractionLogEntry
from tests import factories

pytestmark = pytest.mark.django_db

APPS = ("contacts", "interactions", "auth")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


def test_seed_demo_loads_once_and_the_demo_user_can_log_in(client, media_root):
    first_output = seed()
    after_first = row_counts()
    second_output = seed()

    assert row_counts() == after_first
    assert "Demo data loaded" in first_output
    assert "nothing was changed" in second_output

    # A realistic company: ~200 contacts, five salespeople, a year of entries.
    assert 180 <= Contact.objects.count() <= 220
    assert Contact.objects.companies().count() == 40
    assert set(Contact.objects.values_list("language", flat=True)) == {"nb", "en"}
    assert Contact.objects.filter(privacy_blocked=True).exists()
    assert Contact.objects.filter(exclude_from_segment=True).exists()
    assert Salesperson.objects.count() == 5
    entries = InteractionLogEntry.objects
    assert entries.visible().count() >= 300
    assert entries.canceled().exists() and entries.postponed().exists()
    assert entries.exclude(evaluation="").exists()
    unmapped = DocumentTemplateSetup.objects.filter(template__isnull=True)
    assert list(unmapped.values_list("document_type", flat=True)) == [
        DocumentType.EMAIL_DRAFT
    ]

    demo = get_user_model().objects.get(username="demo")
    assert demo.is_superuser and demo.salesperson.code == "KH"
    assert client.login(username="demo", password="demo")
    assert client.get(reverse("admin:index")).status_code == 200


def test_seed_demo_refuses_a_database_with_other_contacts(media_root):
    factories.CompanyFactory(name="Real Customer AS")
    before = row_counts()

    with pytest.raises(CommandError, match="not demo data"):
        seed()

    assert row_counts() == before
    assert not get_user_model().objects.filter(username="demo").exists()
