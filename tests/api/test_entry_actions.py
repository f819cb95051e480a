"""Cancel, un-cancel, evaluate, switch, delete canceled, jobs (DOMAIN §6.2–6.4)."""

import uuid

import pytest

from interactions.models import InteractionLogEntry
from interactions.services.jobs import JobKind
from interactions_crm.platform.models import AuditEvent, BackgroundJob
from tests import factories
from tests.factories import make_entry
from tests.figures_recount import refigure
from tests.interactions.ledger_support import make_entries, put_in_logged_segment

pytestmark = pytest.mark.django_db


def test_cancel_records_who_and_why(integrator_api, person, template):
    entry = make_entry(person, template, description="Invoice 1")

    response = integrator_api.post(
        f"/api/v1/interactions/{entry.entry_no}/cancel/",
        {"reason": "Invoice voided"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["canceled"] is True
    entry.refresh_from_db()
    assert entry.canceled
    assert entry.canceled_by.username == "erp"
    assert entry.cancel_reason == "Invoice voided"


def test_cancel_reason_too_long_is_400(integrator_api, person, template):
    entry = make_entry(person, template, description="Invoice 1")

    response = integrator_api.post(
        f"/api/v1/interactions/{entry.entry_no}/cancel/",
        {"reason": "x" * 201},
        format="json",
    )

    assert response.status_code == 400
    assert "reason" in response.json()
    entry.refresh_from_db()
    assert not entry.canceled


def test_cancel_unknown_entry_is_404(integrator_api):
    response = integrator_api.post("/api/v1/interactions/999999/cancel/", {})

    assert response.status_code == 404


def test_uncancel(integrator_api, person, template):
    entry = make_entry(person, template, description="Oops", canceled=True)

    response = integrator_api.post(f"/api/v1/interactions/{entry.entry_no}/uncancel/")

    assert response.status_code == 200
    entry.refresh_from_db()
    assert not entry.canceled
    assert entry.canceled_by is None


def test_uncancel_in_canceled_logged_segment_is_409(integrator_api, person, template):
    entry = make_entry(person, template, description="Mailing")
    put_in_logged_segment([entry], canceled=True)

    response = integrator_api.post(f"/api/v1/interactions/{entry.entry_no}/uncancel/")

    assert response.status_code == 409
    assert "logged segment" in response.json()["canceled"][0]
    entry.refresh_from_db()
    assert entry.canceled


def test_evaluate(staff_api, person, template):
    entry = make_entry(person, template, description="Meeting", canceled=True)

    response = staff_api.post(
        f"/api/v1/interactions/{entry.entry_no}/evaluate/",
        {"evaluation": "very_positive"},
        format="json",
    )

    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.evaluation == "very_positive"


def test_evaluate_blank_is_400(staff_api, person, template):
    entry = make_entry(person, template, description="Meeting")

    response = staff_api.post(
        f"/api/v1/interactions/{entry.entry_no}/evaluate/",
        {"evaluation": ""},
        format="json",
    )

    assert response.status_code == 400
    assert "evaluation" in response.json()


def test_integrator_may_not_evaluate(integrator_api, person, template):
    entry = make_entry(person, template, description="Meeting")

    response = integrator_api.post(
        f"/api/v1/interactions/{entry.entry_no}/evaluate/",
        {"evaluation": "positive"},
        format="json",
    )

    assert response.status_code == 403


def test_switch_canceled_follows_the_first_entry(staff_api, person, template):
    first, second = make_entries(2, contact=person, template=template, description="A")
    InteractionLogEntry.objects.filter(pk=second.pk).update(canceled=True)

    response = staff_api.post(
        "/api/v1/interactions/switch-canceled/",
        {"entry_nos": [second.entry_no, first.entry_no], "reason": "Duplicate"},
        format="json",
    )

    # The first entry (lowest number) was active, so both become canceled.
    assert response.status_code == 200
    assert response.json() == {"count": 1}
    assert set(InteractionLogEntry.objects.values_list("canceled", flat=True)) == {True}
    assert AuditEvent.objects.filter(action="entry.cancel").get().count == 1


def test_switch_canceled_with_a_stale_target_is_409(staff_api, person, template):
    """The integrator meant to cancel; someone canceled meanwhile: refused."""
    first, second = make_entries(2, contact=person, template=template, description="A")
    InteractionLogEntry.objects.filter(pk=first.pk).update(canceled=True)
    refigure(InteractionLogEntry.objects.filter(pk=first.pk))

    response = staff_api.post(
        "/api/v1/interactions/switch-canceled/",
        {"entry_nos": [first.entry_no, second.entry_no], "canceled": True},
        format="json",
    )

    assert response.status_code == 409
    assert (
        f"Interaction log entry {first.entry_no} is already canceled"
        in (response.json()["intent"][0])
    )
    assert InteractionLogEntry.objects.filter(canceled=True).count() == 1
    assert not AuditEvent.objects.filter(action="entry.cancel").exists()


def test_switch_canceled_with_the_right_target_switches(staff_api, person, template):
    first, second = make_entries(2, contact=person, template=template, description="A")

    response = staff_api.post(
        "/api/v1/interactions/switch-canceled/",
        {"entry_nos": [first.entry_no, second.entry_no], "canceled": True},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {"count": 2}


def test_switch_canceled_needs_entry_numbers(staff_api):
    response = staff_api.post(
        "/api/v1/interactions/switch-canceled/", {"entry_nos": []}, format="json"
    )

    assert response.status_code == 400
    assert "entry_nos" in response.json()


def test_bulk_evaluate(staff_api, person, template):
    entries = make_entries(3, contact=person, template=template, description="A")

    response = staff_api.post(
        "/api/v1/interactions/evaluate/",
        {"entry_nos": [e.entry_no for e in entries[:2]], "evaluation": "negative"},
        format="json",
    )

    assert response.json() == {"count": 2}
    assert list(
        InteractionLogEntry.objects.order_by("entry_no").values_list(
            "evaluation", flat=True
        )
    ) == ["negative", "negative", ""]
    assert AuditEvent.objects.get(action="entry.evaluate").count == 2


def test_bulk_evaluate_bad_input_is_400(staff_api):
    response = staff_api.post(
        "/api/v1/interactions/evaluate/",
        {"entry_nos": ["x"], "evaluation": "superb"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"entry_nos", "evaluation"}


# --- Delete canceled entries (batch job) -----------------------------------------


@pytest.fixture
def canceled_and_active(person, template):
    canceled = make_entries(
        3, contact=person, template=template, description="Old", canceled=True
    )
    active = make_entry(person, template, description="Active")
    return canceled, active


def test_delete_canceled_dry_run_is_the_default(admin_api, canceled_and_active):
    response = admin_api.post(
        "/api/v1/interactions/delete-canceled/", {}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body.pop("intent")
    assert body == {
        "dry_run": True,
        "count": 3,
        "message": "3 interaction log entries would be deleted.",
        "last_entry_no": canceled_and_active[0][-1].entry_no,
    }
    assert InteractionLogEntry.objects.count() == 4


def test_delete_canceled_with_the_dry_runs_intent_deletes_what_it_counted(
    admin_api, canceled_and_active
):
    """Dry run counts 3; one is un-canceled and another canceled meanwhile: the
    run deletes 2 and says what differed."""
    canceled, active = canceled_and_active
    url = "/api/v1/interactions/delete-canceled/"
    token = admin_api.post(url, {}, format="json").json()["intent"]
    InteractionLogEntry.objects.filter(pk=canceled[0].pk).update(
        canceled=False, canceled_at=None
    )
    admin_api.post(f"/api/v1/interactions/{active.entry_no}/cancel/", {})

    response = admin_api.post(url, {"dry_run": False, "intent": token}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "dry_run": False,
        "count": 2,
        "message": "2 interaction log entries have been deleted. 1 previewed entry "
        "was un-canceled meanwhile and was kept. 1 entry canceled after the "
        "preview was left for the next run.",
        "deleted": 2,
        "previewed": 3,
        "kept": 1,
        "left": 1,
    }
    assert set(InteractionLogEntry.objects.values_list("pk", flat=True)) == {
        canceled[0].pk,
        active.pk,
    }


@pytest.mark.parametrize(
    ("change", "status"), [({"entry_no_from": 1}, 409), ({"intent": "x"}, 409)]
)
def test_delete_canceled_with_a_foreign_intent_is_refused(
    admin_api, canceled_and_active, change, status
):
    url = "/api/v1/interactions/delete-canceled/"
    token = admin_api.post(url, {}, format="json").json()["intent"]

    response = admin_api.post(
        url, {"dry_run": False, "intent": token, **change}, format="json"
    )

    assert response.status_code == status
    assert "intent" in response.json()
    assert InteractionLogEntry.objects.count() == 4


def test_delete_canceled_deletes_only_canceled(admin_api, canceled_and_active):
    canceled, active = canceled_and_active

    response = admin_api.post(
        "/api/v1/interactions/delete-canceled/",
        {"dry_run": False, "entry_no_from": canceled[1].entry_no},
        format="json",
    )

    assert response.json() == {
        "dry_run": False,
        "count": 2,
        "message": "2 interaction log entries have been deleted.",
    }
    assert set(InteractionLogEntry.objects.values_list("pk", flat=True)) == {
        canceled[0].pk,
        active.pk,
    }
    event = AuditEvent.objects.get(action__startswith="entry.delete_canceled")
    assert event.count == 2


def test_delete_canceled_unknown_key_and_reversed_range_are_422(
    admin_api, canceled_and_active
):
    # Schema-valid, refused by rules the schema cannot state: 422, by field.
    response = admin_api.post(
        "/api/v1/interactions/delete-canceled/",
        {"contact": "NOPE", "date_from": "2026-02-01", "date_to": "2026-01-01"},
        format="json",
    )

    assert response.status_code == 422
    assert "contact" in response.json()
    assert InteractionLogEntry.objects.count() == 4


def test_delete_canceled_schema_violation_is_400(admin_api, canceled_and_active):
    response = admin_api.post(
        "/api/v1/interactions/delete-canceled/",
        {"contact": "NOPE", "date_from": "not a date"},
        format="json",
    )

    assert response.status_code == 400
    assert "date_from" in response.json()


def test_delete_canceled_reversed_range_is_422(admin_api, canceled_and_active):
    response = admin_api.post(
        "/api/v1/interactions/delete-canceled/",
        {"date_from": "2026-02-01", "date_to": "2026-01-01", "dry_run": False},
        format="json",
    )

    assert response.status_code == 422
    assert "date_to" in response.json()
    assert InteractionLogEntry.objects.count() == 4


def test_large_delete_canceled_becomes_a_job(admin_api, canceled_and_active, settings):
    settings.CRM_BACKGROUND_THRESHOLD = 2

    response = admin_api.post(
        "/api/v1/interactions/delete-canceled/", {"dry_run": False}, format="json"
    )

    assert response.status_code == 202
    job = BackgroundJob.objects.get()
    assert response.json()["id"] == str(job.pk)
    assert response.json()["status"] == "queued"
    assert response.json()["total"] == 3
    assert response["Location"].endswith(f"/api/v1/jobs/{job.pk}/")
    # Nothing is deleted in the request; the worker does it.
    assert InteractionLogEntry.objects.count() == 4

    polled = admin_api.get(response["Location"])
    assert polled.status_code == 200
    assert polled.json()["progress_percent"] == 0


def test_delete_canceled_at_the_threshold_runs_in_the_request(
    admin_api, canceled_and_active, settings
):
    # The same setting decides for staff pages, admin and API: up to
    # CRM_BACKGROUND_THRESHOLD entries are deleted now, more by a job.
    settings.CRM_BACKGROUND_THRESHOLD = 3

    response = admin_api.post(
        "/api/v1/interactions/delete-canceled/", {"dry_run": False}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert not BackgroundJob.objects.exists()
    assert InteractionLogEntry.objects.count() == 1


def test_staff_cannot_delete_canceled_entries(staff_api, canceled_and_active):
    response = staff_api.post(
        "/api/v1/interactions/delete-canceled/", {"dry_run": True}, format="json"
    )

    assert response.status_code == 403


# --- Jobs -----------------------------------------------------------------------


def test_job_is_visible_to_its_starter_only(api_as, staff_user, admin_user):
    job = BackgroundJob.objects.create(
        kind=JobKind.DELETE_CANCELED_ENTRIES,
        actor=staff_user,
        total=10,
        done=4,
    )
    someone = factories.UserFactory()

    mine = api_as(staff_user).get(f"/api/v1/jobs/{job.pk}/")
    theirs = api_as(someone).get(f"/api/v1/jobs/{job.pk}/")
    superuser = api_as(admin_user).get(f"/api/v1/jobs/{job.pk}/")

    assert mine.status_code == 200
    assert mine.json()["progress_percent"] == 40
    assert mine.json()["is_finished"] is False
    assert theirs.status_code == 404
    assert superuser.status_code == 200


def test_unknown_job_is_404(staff_api):
    assert staff_api.get(f"/api/v1/jobs/{uuid.uuid4()}/").status_code == 404
