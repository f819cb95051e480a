"""Segments and logged segments over the API (DOMAIN §5, §6.5)."""

import pytest

from interactions.models import (
    InteractionLogEntry,
    LoggedSegment,
    Segment,
    SegmentLine,
)
from interactions.services.segments import (
    add_contacts,
    cancel_logged_segments,
    create_segment,
    log_segment,
)
from tests import factories
from tests.conftest import grant
from tests.figures_recount import refigure

pytestmark = pytest.mark.django_db


@pytest.fixture
def purchasers(db):
    """Three persons with job responsibility PURCHASE, one of them a prospect."""
    purchase = factories.JobResponsibilityFactory(code="PURCHASE")
    pros = factories.BusinessRelationFactory(code="PROS")
    persons = factories.PersonFactory.create_batch(3)
    for person in persons:
        person.job_responsibilities.add(purchase)
    factories.ContactBusinessRelationFactory(contact=persons[0], business_relation=pros)
    return persons


@pytest.fixture
def segment(staff_user, template, salesperson):
    return create_segment(
        actor=staff_user, description="Visitors at the trade show", template=template
    )


def test_create_segment(staff_api, template, salesperson):
    response = staff_api.post(
        "/api/v1/segments/",
        {"description": "Seminar invitation", "template": template.code},
        format="json",
    )

    assert response.status_code == 201, response.json()
    segment = Segment.objects.get(no=response.json()["no"])
    assert segment.no.startswith("SM")
    assert segment.template == template
    assert segment.salesperson == salesperson
    assert response.json()["line_count"] == 0


def test_create_segment_bad_input_is_400(staff_api):
    response = staff_api.post(
        "/api/v1/segments/",
        {"template": "NOPE", "unit_cost": "-1", "date": "soon"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"template", "unit_cost", "date"}


def test_list_segments_query_count(
    staff_api, staff_user, template, salesperson, django_assert_num_queries
):
    for _ in range(2):
        create_segment(actor=staff_user, description="S", template=template)

    # 1 token + user, 2 permissions, 1 page with line counts and related rows.
    with django_assert_num_queries(4):
        response = staff_api.get("/api/v1/segments/")

    assert len(response.json()["results"]) == 2


def test_update_header_and_lines(staff_api, segment, purchasers, staff_user):
    add_contacts(
        segment=segment, actor=staff_user, criteria={"job_responsibility": "PURCHASE"}
    )

    response = staff_api.patch(
        f"/api/v1/segments/{segment.no}/",
        {"description": "Fair 2026", "update_lines": True},
        format="json",
    )

    assert response.status_code == 200, response.json()
    segment.refresh_from_db()
    assert segment.description == "Fair 2026"
    assert set(segment.lines.values_list("description", flat=True)) == {"Fair 2026"}


def test_delete_segment(staff_api, segment, purchasers, staff_user):
    add_contacts(
        segment=segment, actor=staff_user, criteria={"job_responsibility": "PURCHASE"}
    )

    response = staff_api.delete(f"/api/v1/segments/{segment.no}/")

    assert response.status_code == 204
    assert not Segment.objects.filter(pk=segment.pk).exists()
    assert not SegmentLine.objects.exists()


def test_delete_segment_needs_the_delete_permission(api_as, segment):
    user = factories.UserFactory()
    grant(user, "interactions.view_segment", "interactions.change_segment")

    response = api_as(user).delete(f"/api/v1/segments/{segment.no}/")

    assert response.status_code == 403
    assert Segment.objects.filter(pk=segment.pk).exists()


def test_add_reduce_go_back(staff_api, segment, purchasers):
    url = f"/api/v1/segments/{segment.no}"

    added = staff_api.post(
        f"{url}/add-contacts/",
        {"criteria": {"job_responsibility": "PURCHASE"}},
        format="json",
    )
    reduced = staff_api.post(
        f"{url}/reduce-contacts/",
        {"criteria": {"business_relation": "PROS"}},
        format="json",
    )
    after_reduce = set(segment.lines.values_list("contact_id", flat=True))
    back = staff_api.post(f"{url}/go-back/")

    assert (added.json()["count"], added.json()["added"]) == (3, 3)
    assert (reduced.json()["count"], reduced.json()["removed"]) == (1, 1)
    assert after_reduce == {p.pk for p in purchasers[1:]}
    assert back.status_code == 200
    assert set(segment.lines.values_list("contact_id", flat=True)) == {
        p.pk for p in purchasers
    }


def test_refine_contacts(staff_api, segment, purchasers, staff_user):
    add_contacts(
        segment=segment, actor=staff_user, criteria={"job_responsibility": "PURCHASE"}
    )

    response = staff_api.post(
        f"/api/v1/segments/{segment.no}/refine-contacts/",
        {"criteria": {"business_relation": "PROS"}},
        format="json",
    )

    assert (response.json()["count"], response.json()["removed"]) == (2, 2)
    assert list(segment.lines.values_list("contact_id", flat=True)) == [
        purchasers[0].pk
    ]


def test_unknown_criterion_value_is_400(staff_api, segment):
    response = staff_api.post(
        f"/api/v1/segments/{segment.no}/add-contacts/",
        {"criteria": {"contact_type": "robot", "interaction_date_from": "x"}},
        format="json",
    )

    assert response.status_code == 400
    assert "criteria" in response.json()


def test_go_back_with_nothing_to_undo_is_409(staff_api, segment):
    response = staff_api.post(f"/api/v1/segments/{segment.no}/go-back/")

    assert response.status_code == 409
    assert "segment" in response.json()


def test_lines_add_list_personalise_remove(staff_api, segment, person, template):
    url = f"/api/v1/segments/{segment.no}/lines/"

    added = staff_api.post(url, {"contact": person.no}, format="json")
    line_url = f"{url}{added.json()['id']}/"
    patched = staff_api.patch(line_url, {"description": "Personal"}, format="json")
    listed = staff_api.get(url)
    removed = staff_api.delete(line_url)

    assert added.status_code == 201, added.json()
    assert patched.json()["description"] == "Personal"
    assert [r["contact"] for r in listed.json()["results"]] == [person.no]
    assert removed.status_code == 204
    assert not SegmentLine.objects.exists()


def test_adding_a_contact_twice_is_400(staff_api, segment, person):
    url = f"/api/v1/segments/{segment.no}/lines/"
    staff_api.post(url, {"contact": person.no}, format="json")

    response = staff_api.post(url, {"contact": person.no}, format="json")

    assert response.status_code == 400
    assert "contact" in response.json()
    assert segment.lines.count() == 1


def test_lines_query_count(
    staff_api, segment, purchasers, staff_user, django_assert_num_queries
):
    add_contacts(
        segment=segment, actor=staff_user, criteria={"job_responsibility": "PURCHASE"}
    )

    # 1 token + user, 2 permissions, 1 segment, 1 page of lines (joined).
    with django_assert_num_queries(5):
        response = staff_api.get(f"/api/v1/segments/{segment.no}/lines/")

    assert len(response.json()["results"]) == 3


def test_log_segment(staff_api, segment, purchasers, staff_user):
    add_contacts(
        segment=segment, actor=staff_user, criteria={"job_responsibility": "PURCHASE"}
    )

    response = staff_api.post(
        f"/api/v1/segments/{segment.no}/log/", {"follow_up": True}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["entry_count"] == 3
    logged = LoggedSegment.objects.get(segment_no=segment.no)
    assert logged.entries.count() == 3
    assert not Segment.objects.filter(pk=segment.pk).exists()
    assert Segment.objects.filter(description__contains=segment.no).exists()


def test_log_empty_segment_is_409_and_writes_nothing(staff_api, segment):
    response = staff_api.post(f"/api/v1/segments/{segment.no}/log/", {}, format="json")

    # The segment's state refuses it, not the body: 409 naming the field.
    assert response.status_code == 409
    assert "lines" in response.json()
    assert not LoggedSegment.objects.exists()
    assert Segment.objects.filter(pk=segment.pk).exists()


def test_logging_needs_the_log_segment_permission(api_as, segment):
    user = factories.UserFactory()
    grant(user, "interactions.view_segment", "interactions.change_segment")

    response = api_as(user).post(f"/api/v1/segments/{segment.no}/log/", {})

    assert response.status_code == 403


# --- Logged segments --------------------------------------------------------------


@pytest.fixture
def logged(staff_user, segment, purchasers):
    add_contacts(
        segment=segment, actor=staff_user, criteria={"job_responsibility": "PURCHASE"}
    )
    return log_segment(segment=segment, actor=staff_user)


def test_logged_segments_list_with_counts(staff_api, logged, django_assert_num_queries):
    # 1 token + user, 2 permissions, 1 page with entry counts.
    with django_assert_num_queries(4):
        response = staff_api.get("/api/v1/logged-segments/")

    assert response.json()["results"][0]["entry_count"] == 3


def test_cancel_and_uncancel_logged_segment(staff_api, logged):
    entry = logged.entries.first()
    InteractionLogEntry.objects.filter(pk=entry.pk).update(canceled=True)
    refigure(InteractionLogEntry.objects.filter(pk=entry.pk))

    canceled = staff_api.post(f"/api/v1/logged-segments/{logged.pk}/cancel/")
    assert canceled.json()["canceled"] is True
    assert logged.entries.filter(canceled=False).count() == 0

    uncanceled = staff_api.post(f"/api/v1/logged-segments/{logged.pk}/uncancel/")
    assert uncanceled.json()["canceled"] is False
    # The entry canceled one by one before stays canceled (DOMAIN §6.2).
    assert list(logged.entries.filter(canceled=True)) == [entry]


def test_reuse_logged_segment(staff_api, logged, staff_user, template):
    other = create_segment(actor=staff_user, description="Again", template=template)

    response = staff_api.post(
        f"/api/v1/segments/{other.no}/reuse-logged-segment/",
        {"logged_segment": logged.pk},
        format="json",
    )

    assert (response.json()["count"], response.json()["added"]) == (3, 3)


def test_reuse_unknown_logged_segment_is_422(staff_api, segment):
    response = staff_api.post(
        f"/api/v1/segments/{segment.no}/reuse-logged-segment/",
        {"logged_segment": 999999},
        format="json",
    )

    assert response.status_code == 422
    assert "logged_segment" in response.json()


def test_delete_canceled_logged_segments(admin_api, logged, staff_user):
    cancel_logged_segments(
        actor=staff_user, logged_segments=LoggedSegment.objects.filter(pk=logged.pk)
    )

    response = admin_api.post(
        "/api/v1/logged-segments/delete-canceled/", {}, format="json"
    )

    assert response.json() == {"count": 1}
    assert not LoggedSegment.objects.exists()
    # The entries stay, unlinked and canceled.
    assert InteractionLogEntry.objects.filter(canceled=True).count() == 3


def test_delete_canceled_logged_segments_keeps_active_ones(admin_api, logged):
    response = admin_api.post(
        "/api/v1/logged-segments/delete-canceled/",
        {"ids": [logged.pk]},
        format="json",
    )

    assert response.json() == {"count": 0}
    assert LoggedSegment.objects.filter(pk=logged.pk).exists()


@pytest.mark.parametrize(
    ("method", "suffix", "body", "field", "status"),
    [
        ("patch", "/", {"unit_duration": "-1"}, "unit_duration", 400),
        # A key that does not exist: schema-valid, refused with 422.
        ("put", "/", {"campaign": "NOPE"}, "campaign", 422),
        ("post", "/lines/", {"contact": "NOPE"}, "contact", 422),
        (
            "post",
            "/reduce-contacts/",
            {"criteria": {"contact_type": "x"}},
            "criteria",
            400,
        ),
        ("post", "/refine-contacts/", {"entire_companies": "maybe"}, "criteria", 400),
        ("post", "/log/", {"send": "perhaps"}, "send", 400),
    ],
)
def test_segment_bad_input_is_refused(
    staff_api, segment, method, suffix, body, field, status
):
    response = getattr(staff_api, method)(
        f"/api/v1/segments/{segment.no}{suffix}", body, format="json"
    )

    assert response.status_code == status
    assert field in response.json()


def test_line_bad_input_is_400(staff_api, segment, person):
    line = staff_api.post(
        f"/api/v1/segments/{segment.no}/lines/", {"contact": person.no}, format="json"
    ).json()

    response = staff_api.patch(
        f"/api/v1/segments/{segment.no}/lines/{line['id']}/",
        {"cost": "-1", "template": "NOPE", "evaluation": "great"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"cost", "template", "evaluation"}


def test_logged_segment_bad_input_is_400(staff_api, admin_api, logged):
    canceled = staff_api.post(
        f"/api/v1/logged-segments/{logged.pk}/cancel/",
        {"reason": "x" * 201},
        format="json",
    )
    deleted = admin_api.post(
        "/api/v1/logged-segments/delete-canceled/", {"ids": ["one"]}, format="json"
    )

    assert canceled.status_code == 400
    assert "reason" in canceled.json()
    assert deleted.status_code == 400
    assert "ids" in deleted.json()
    logged.refresh_from_db()
    assert not logged.canceled


@pytest.mark.django_db(transaction=True)
def test_large_segment_is_logged_by_a_background_job(
    staff_api, segment, purchasers, staff_user, settings
):
    from interactions_crm.platform.models import BackgroundJob
    from tests.interactions.test_jobs import run_worker

    settings.CRM_BACKGROUND_THRESHOLD = 2
    add_contacts(
        segment=segment, actor=staff_user, criteria={"job_responsibility": "PURCHASE"}
    )

    response = staff_api.post(
        f"/api/v1/segments/{segment.no}/log/", {"follow_up": True}, format="json"
    )

    assert response.status_code == 202, response.json()
    job = BackgroundJob.objects.get(pk=response.json()["id"])
    assert response["Location"].endswith(f"/api/v1/jobs/{job.pk}/")
    assert job.kind == "log_segment" and job.status == "queued" and job.total == 3
    assert not LoggedSegment.objects.exists()  # nothing happens before the worker

    run_worker()

    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert LoggedSegment.objects.get(segment_no=segment.no).entries.count() == 3
    assert job.done == 3 and str(segment.no) in job.message
    status = staff_api.get(f"/api/v1/jobs/{job.pk}/")
    assert status.status_code == 200
    assert status.json()["status"] == "succeeded"


# --- Issue #9 rule 6: a campaign through the API alone ------------------------


def test_log_answer_names_the_logged_and_the_follow_up_segment(
    staff_api, segment, purchasers, staff_user
):
    add_contacts(
        segment=segment, actor=staff_user, criteria={"job_responsibility": "PURCHASE"}
    )
    response = staff_api.post(
        f"/api/v1/segments/{segment.no}/log/", {"follow_up": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    logged = LoggedSegment.objects.get(segment_no=segment.no)
    follow_up = Segment.objects.get(description=f"Follow-up on segment {segment.no}")
    assert (body["id"], body["segment_no"]) == (logged.pk, segment.no)
    assert body["url"].endswith(f"/api/v1/logged-segments/{logged.pk}/")
    assert body["follow_up_segment"]["no"] == follow_up.no
    assert body["follow_up_segment"]["url"].endswith(
        f"/api/v1/segments/{follow_up.no}/"
    )
    # The addresses answer.
    assert staff_api.get(body["follow_up_segment"]["url"]).json()["line_count"] == 3
    entries = staff_api.get(body["entries_url"]).json()["results"]
    assert len(entries) == 3


def test_log_without_follow_up_names_none(staff_api, segment, purchasers, staff_user):
    add_contacts(
        segment=segment, actor=staff_user, criteria={"job_responsibility": "PURCHASE"}
    )
    response = staff_api.post(f"/api/v1/segments/{segment.no}/log/", {}, format="json")
    assert response.status_code == 201
    assert response.json()["follow_up_segment"] is None


def test_save_and_reuse_criteria(staff_api, segment, purchasers, template, staff_user):
    url = f"/api/v1/segments/{segment.no}"
    staff_api.post(
        f"{url}/add-contacts/",
        {"criteria": {"job_responsibility": "PURCHASE"}},
        format="json",
    )
    staff_api.post(
        f"{url}/reduce-contacts/",
        {"criteria": {"business_relation": "PROS"}},
        format="json",
    )
    saved = staff_api.post(
        f"{url}/save-criteria/",
        {"code": "BUYERS", "description": "Buyers, no prospects"},
        format="json",
    )
    assert saved.status_code == 201, saved.json()
    assert saved.json()["code"] == "BUYERS"
    assert [step["kind"] for step in saved.json()["actions"]] == ["add", "reduce"]

    other = create_segment(actor=staff_user, description="Again", template=template)
    reused = staff_api.post(
        f"/api/v1/segments/{other.no}/reuse-criteria/",
        {"code": "BUYERS"},
        format="json",
    )
    assert reused.status_code == 200, reused.json()
    assert (reused.json()["added"], reused.json()["removed"]) == (3, 1)
    assert sorted(other.lines.values_list("contact__no", flat=True)) == sorted(
        person.no for person in purchasers[1:]
    )


def test_save_and_reuse_criteria_refusals(staff_api, segment):
    url = f"/api/v1/segments/{segment.no}"
    empty = staff_api.post(f"{url}/save-criteria/", {"code": "X"}, format="json")
    assert empty.status_code == 409
    assert "no criteria actions" in str(empty.json())
    unknown = staff_api.post(f"{url}/reuse-criteria/", {"code": "NOPE"}, format="json")
    assert unknown.status_code == 422
    assert "code" in unknown.json()
