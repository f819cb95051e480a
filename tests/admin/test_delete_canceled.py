"""Delete canceled interaction log entries from admin (DOMAIN §6.4)."""

import pytest
from django.urls import reverse

from interactions.models import InteractionLogEntry
from interactions_crm.platform.models import BackgroundJob
from tests import factories
from tests.admin.support import message_texts
from tests.conftest import grant
from tests.factories import make_entry
from tests.figures_recount import refigure
from tests.interactions.ledger_support import make_entries

pytestmark = pytest.mark.django_db

URL = "admin:interactions_interactionlogentry_delete_canceled"


@pytest.fixture
def entries():
    """Two canceled LETTER entries, an active LETTER entry, a canceled CALL."""
    letter = factories.TemplateFactory(code="LETTER")
    call = factories.TemplateFactory(code="CALL")
    contact = factories.CompanyFactory()
    return {
        "letter": letter,
        "canceled_letters": make_entries(
            2, contact=contact, template=letter, canceled=True
        ),
        "active_letter": make_entry(contact, letter),
        "canceled_call": make_entry(contact, call, canceled=True),
    }


def confirm(client, data: dict, **kwargs):
    """Preview (the confirmation page), then press "Yes, delete them"."""
    page = client.post(reverse(URL), {**data, "_preview": "1"})
    assert page.status_code == 200
    intent = page.context["intent"]
    return client.post(
        reverse(URL), {**data, "_confirm": "1", "intent": intent}, **kwargs
    )


def remaining() -> set[int]:
    return set(InteractionLogEntry.objects.values_list("pk", flat=True))


def test_filter_page_renders(admin_client):
    response = admin_client.get(reverse(URL))

    assert response.status_code == 200
    assert set(response.context["form"].fields) == {
        "entry_no_from",
        "entry_no_to",
        "contact",
        "date_from",
        "date_to",
        "campaign",
        "group",
        "template",
        "salesperson",
    }


def test_preview_shows_the_count_and_deletes_nothing(admin_client, entries):
    before = remaining()

    response = admin_client.post(
        reverse(URL), {"template": entries["letter"].pk, "_preview": "1"}
    )

    assert response.status_code == 200
    assert response.context["count"] == 2
    assert (
        "2 canceled interaction log entries match the filters"
        in response.content.decode()
    )
    assert remaining() == before


def test_confirm_deletes_only_the_matching_canceled_entries(admin_client, entries):
    response = confirm(admin_client, {"template": entries["letter"].pk}, follow=True)

    assert "2 interaction log entries have been deleted." in message_texts(response)
    assert remaining() == {entries["active_letter"].pk, entries["canceled_call"].pk}


def test_without_filters_every_canceled_entry_but_never_an_active_one(
    admin_client, entries
):
    confirm(admin_client, {})

    assert remaining() == {entries["active_letter"].pk}


def test_no_match_says_so_and_stays_on_the_filters(admin_client, entries):
    response = admin_client.post(
        reverse(URL),
        {
            "entry_no_from": entries["active_letter"].pk,
            "entry_no_to": entries["active_letter"].pk,
            "_preview": "1",
        },
    )

    assert response.status_code == 200
    assert response.context["count"] is None
    assert "No canceled interaction log entries match these filters." in message_texts(
        response
    )
    assert len(remaining()) == 4


def test_a_reversed_range_is_a_field_error(admin_client, entries):
    response = admin_client.post(
        reverse(URL), {"entry_no_from": "9", "entry_no_to": "3", "_preview": "1"}
    )

    assert response.status_code == 200
    assert "entry_no_to" in response.context["form"].errors
    assert len(remaining()) == 4


def test_change_filters_goes_back_with_the_values(admin_client, entries):
    response = admin_client.post(
        reverse(URL), {"template": entries["letter"].pk, "_edit": "1"}
    )

    assert response.context["count"] is None
    assert response.context["form"].cleaned_data["template"] == entries["letter"]


def test_large_runs_go_to_the_background(admin_client, entries, settings):
    settings.CRM_BACKGROUND_THRESHOLD = 1

    response = confirm(admin_client, {"template": entries["letter"].pk}, follow=True)

    job = BackgroundJob.objects.get()
    assert (job.kind, job.total) == ("delete_canceled_entries", 2)
    assert any("deleted in the background" in text for text in message_texts(response))


def test_staff_without_the_permission_gets_403(log_keeper_client, entries):
    assert log_keeper_client.get(reverse(URL)).status_code == 403
    assert log_keeper_client.post(reverse(URL), {"_confirm": "1"}).status_code == 403
    assert len(remaining()) == 4


def test_staff_with_the_permission_may_run_it(client, log_keeper, entries):
    grant(log_keeper, "interactions.delete_canceled_interactionlogentry")
    client.force_login(log_keeper)

    confirm(client, {})

    assert remaining() == {entries["active_letter"].pk}


def test_a_confirmation_deletes_what_it_counted_and_says_what_differed(
    admin_client, entries
):
    """The page counted 2 LETTER entries; one is un-canceled meanwhile."""
    data = {"template": entries["letter"].pk}
    intent = admin_client.post(reverse(URL), {**data, "_preview": "1"}).context[
        "intent"
    ]
    kept = entries["canceled_letters"][0]
    InteractionLogEntry.objects.filter(pk=kept.pk).update(
        canceled=False, canceled_at=None
    )
    refigure(InteractionLogEntry.objects.filter(pk=kept.pk))

    response = admin_client.post(
        reverse(URL), {**data, "_confirm": "1", "intent": intent}, follow=True
    )

    texts = message_texts(response)
    assert "1 interaction log entry has been deleted." in texts
    assert "1 previewed entry was un-canceled meanwhile and was kept." in texts
    assert kept.pk in remaining()


def test_a_confirmation_without_its_preview_deletes_nothing(admin_client, entries):
    response = admin_client.post(reverse(URL), {"_confirm": "1"})

    assert response.status_code == 200
    assert "Preview again and confirm" in response.content.decode()
    assert len(remaining()) == 4
