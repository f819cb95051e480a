"""Segment pages (DOMAIN §5): list, create, the worksheet and its actions, log."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interactions.models import (
    InteractionLogEntry,
    LoggedSegment,
    SavedCriteria,
    Segment,
    SegmentLine,
)
from interactions.services.jobs import JobKind
from interactions.services.outbox import run_worker
from interactions.services.segments import (
    add_contact_to_segment,
    add_contacts,
    save_criteria,
    start_log_segment_job,
    update_segment_line,
)
from interactions.web.segments.worksheet import LINE_PAGE_SIZE
from interactions_crm.platform.models import BackgroundJob
from tests import factories
from tests.conftest import grant
from tests.web.segment_support import make_logged, make_people, make_segment

pytestmark = pytest.mark.django_db

LIST = reverse("interactions:segment-list")
CREATE = reverse("interactions:segment-create")


@pytest.fixture
def people(salesperson):
    """Contacts and a template; the staff user has a salesperson (JO)."""
    return make_people()


@pytest.fixture
def segment(staff_user, people):
    """Kari, Per (PURCHASE persons; Lise is excluded from segments)."""
    return make_segment(staff_user, people.template, job_responsibility="PURCHASE")


def url(name: str, segment: Segment, **kwargs) -> str:
    return reverse(f"interactions:{name}", kwargs={"no": segment.no, **kwargs})


def contact_nos(segment: Segment) -> list[str]:
    return sorted(segment.lines.values_list("contact__no", flat=True))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- access ---------------------------------------------------------------------------

SEGMENT_PAGES = [
    # (url name, method a user may use)
    ("segment-detail", "get"),
    ("segment-update", "get"),
    ("segment-add-contacts", "get"),
    ("segment-reduce-contacts", "get"),
    ("segment-refine-contacts", "get"),
    ("segment-go-back", "post"),
    ("segment-add-contact", "post"),
    ("segment-save-criteria", "post"),
    ("segment-reuse-criteria", "post"),
    ("segment-reuse-logged", "post"),
    ("segment-log", "get"),
    ("segment-delete", "post"),
]


def all_urls(segment: Segment) -> list[tuple[str, str]]:
    line = segment.lines.first()
    return [
        (LIST, "get"),
        (CREATE, "get"),
        *[(url(name, segment), method) for name, method in SEGMENT_PAGES],
        (url("segment-remove-line", segment, line_id=line.pk), "post"),
        (url("segment-update-line", segment, line_id=line.pk), "get"),
    ]


def test_anonymous_is_sent_to_login(client, segment):
    for target, method in all_urls(segment):
        response = getattr(client, method)(target)
        assert response.status_code == 302, target
        assert response.url.startswith(reverse("login")), target


def test_missing_permission_is_403(client, staff_without_permission, segment):
    client.force_login(staff_without_permission)
    for target, method in all_urls(segment):
        assert getattr(client, method)(target).status_code == 403, target
    assert Segment.objects.filter(pk=segment.pk).exists()


def test_viewer_may_read_the_worksheet_but_not_change_or_log_it(client, segment):
    viewer = factories.UserFactory(username="viewer")
    grant(viewer, "interactions.view_segment")
    client.force_login(viewer)

    page = client.get(url("segment-detail", segment))
    add = client.post(url("segment-add-contact", segment), {"add-contact": "CT102"})
    log = client.post(url("segment-log", segment))

    assert page.status_code == 200
    content = page.content.decode()
    assert url("segment-log", segment) not in content
    assert url("segment-add-contacts", segment) not in content
    assert url("segment-add-contact", segment) not in content
    assert add.status_code == 403
    assert log.status_code == 403
    assert segment.lines.count() == 2


def test_log_needs_the_log_permission(client, segment):
    editor = factories.UserFactory(username="editor")
    grant(editor, "interactions.view_segment", "interactions.change_segment")
    client.force_login(editor)
    assert client.get(url("segment-log", segment)).status_code == 403
    assert client.post(url("segment-log", segment)).status_code == 403
    assert not LoggedSegment.objects.exists()


def test_wrong_method_is_405(staff_client, segment):
    line = segment.lines.first()
    refused = [
        (LIST, "post"),
        (CREATE, "put"),
        (url("segment-detail", segment), "post"),
        (url("segment-update", segment), "put"),
        (url("segment-add-contacts", segment), "put"),
        (url("segment-reduce-contacts", segment), "delete"),
        (url("segment-refine-contacts", segment), "put"),
        (url("segment-log", segment), "put"),
        (url("segment-remove-line", segment, line_id=line.pk), "get"),
        (url("segment-update-line", segment, line_id=line.pk), "put"),
    ]
    refused += [
        (url(name, segment), "get")
        for name, method in SEGMENT_PAGES
        if method == "post"
    ]
    for target, method in refused:
        assert getattr(staff_client, method)(target).status_code == 405, target


def test_unknown_segment_is_404(staff_client):
    response = staff_client.get(reverse("interactions:segment-detail", args=["NOPE"]))
    assert response.status_code == 404


# --- list -----------------------------------------------------------------------------


def test_list_shows_segments_with_their_line_counts(staff_client, segment, people):
    empty = make_segment(segment.created_by, people.template, "Empty one")

    response = staff_client.get(LIST)

    rows = {row.no: row.line_count for row in response.context["page"].rows}
    assert rows == {segment.no: 2, empty.no: 0}
    assert b"Trade show visitors" in response.content


def test_list_search_by_number_or_description(staff_client, segment, people):
    make_segment(segment.created_by, people.template, "Christmas cards")
    by_text = staff_client.get(LIST, {"q": "christmas"})
    by_no = staff_client.get(LIST, {"q": segment.no})
    assert [row.description for row in by_text.context["page"].rows] == [
        "Christmas cards"
    ]
    assert [row.no for row in by_no.context["page"].rows] == [segment.no]


def test_list_query_count_does_not_grow_with_rows(
    staff_client, staff_user, people, django_assert_num_queries
):
    for description in ("One", "Two"):
        make_segment(staff_user, people.template, description, contact_type="person")
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 the page of
    # segments (template, campaign, salesperson joined; lines counted per row).
    with django_assert_num_queries(5):
        response = staff_client.get(LIST)
    assert len(response.context["page"].rows) == 2

    for description in ("Three", "Four"):
        make_segment(staff_user, people.template, description, contact_type="person")
    with django_assert_num_queries(5):
        response = staff_client.get(LIST)
    assert len(response.context["page"].rows) == 4


# --- create and edit the header -------------------------------------------------------


def test_create_takes_the_template_settings(staff_client, people, salesperson):
    response = staff_client.post(
        CREATE,
        {"description": "Spring offer", "template": people.template.code},
    )

    segment = Segment.objects.get(description="Spring offer")
    assert response.status_code == 302
    assert response.url == segment.get_absolute_url()
    assert segment.template == people.template
    assert segment.unit_cost == Decimal("10.00")  # from the template
    assert segment.correspondence_type == "email"
    assert segment.salesperson == salesperson  # the user's own
    assert segment.created_by.username == "staff"


def test_create_shows_field_errors(staff_client, people):
    response = staff_client.post(CREATE, {"description": "x", "date": "not a date"})
    assert response.status_code == 400
    assert response.context["form"].errors["date"]
    assert not Segment.objects.exists()


def test_create_refuses_a_blocked_salesperson_on_its_field(staff_client, people):
    factories.SalespersonFactory(code="GONE", name="Gone Away", blocked=True)
    response = staff_client.post(
        CREATE, {"description": "Spring offer", "salesperson": "gone away"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["salesperson"] == [
        "Salesperson GONE is blocked."
    ]
    assert not Segment.objects.exists()


def test_update_header_and_the_lines_on_its_template(staff_client, segment):
    own = segment.lines.first()
    other = factories.TemplateFactory(code="CALL")
    update_segment_line(actor=segment.created_by, line=own, template=other)

    response = staff_client.post(
        url("segment-update", segment),
        {**header_data(segment), "description": "Renamed", "update_lines": "on"},
    )

    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.description == "Renamed"
    descriptions = dict(segment.lines.values_list("pk", "description"))
    # Lines still on the header's template follow; the personalised one not.
    assert descriptions.pop(own.pk) != "Renamed"
    assert set(descriptions.values()) == {"Renamed"}


def test_update_header_without_updating_lines(staff_client, segment):
    response = staff_client.post(
        url("segment-update", segment),
        {**header_data(segment), "description": "Renamed"},
    )
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.description == "Renamed"
    assert set(segment.lines.values_list("description", flat=True)) == {
        "Trade show visitors"
    }


def test_update_refuses_a_negative_cost(staff_client, segment):
    response = staff_client.post(
        url("segment-update", segment), {**header_data(segment), "unit_cost": "-1"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["unit_cost"]
    segment.refresh_from_db()
    assert segment.unit_cost == Decimal("10.00")


def header_data(segment: Segment) -> dict[str, str]:
    """The header form as the page posts it (nothing changed)."""
    data = {
        "description": segment.description,
        "date": segment.date.isoformat(),
        "salesperson": segment.salesperson.code if segment.salesperson else "",
        "template": segment.template.code if segment.template else "",
        "campaign": segment.campaign.no if segment.campaign else "",
        "information_flow": segment.information_flow,
        "initiated_by": segment.initiated_by,
        "unit_cost": str(segment.unit_cost),
        "unit_duration": str(segment.unit_duration),
        "correspondence_type": segment.correspondence_type,
        "subject": segment.subject,
        "language": segment.language,
    }
    for flag in (
        "campaign_target",
        "campaign_response",
        "ignore_contact_correspondence_type",
    ):
        if getattr(segment, flag):
            data[flag] = "on"
    return data


# --- the worksheet --------------------------------------------------------------------


def test_worksheet_shows_header_lines_and_criteria(staff_client, segment, people):
    response = staff_client.get(url("segment-detail", segment))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Kari Nordmann" in content and "Per Berg" in content
    assert "Ola Hansen" not in content
    assert response.context["summary"]["count"] == 2
    assert response.context["summary"]["cost"] == Decimal("20.00")
    assert "PURCHASE" in content  # the criteria action that added them


def test_worksheet_query_count_does_not_depend_on_lines(
    staff_client, staff_user, segment, people, django_assert_num_queries
):
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 segment,
    # 6 summary (one aggregate over its lines), 7 a page of lines, 8 criteria
    # actions, 9 saved criteria (reuse), 10 logged segment numbers (reuse),
    # 11 mailing groups (apply mailing group), 12 the content per language.
    with django_assert_num_queries(12):
        staff_client.get(url("segment-detail", segment))

    add_contacts(segment=segment, actor=staff_user, criteria={"contact_type": "person"})
    assert segment.lines.count() == 3
    with django_assert_num_queries(12):
        staff_client.get(url("segment-detail", segment))


def test_worksheet_pages_lines_and_never_counts_the_log(
    staff_client, staff_user, people
):
    segment = make_segment(staff_user, people.template, "Big")
    for n in range(LINE_PAGE_SIZE + 5):
        factories.PersonFactory(no=f"BULK{n:03d}", company=None)
    add_contacts(segment=segment, actor=staff_user, criteria={}, confirm_all=True)
    total = segment.lines.count()
    assert total > LINE_PAGE_SIZE

    with CaptureQueriesContext(connection) as queries:
        first = staff_client.get(url("segment-detail", segment))
    assert len(first.context["page"].rows) == LINE_PAGE_SIZE
    assert first.context["summary"]["count"] == total
    log_table = InteractionLogEntry._meta.db_table
    assert not [q for q in queries if log_table in q["sql"]]

    more = staff_client.get(
        url("segment-detail", segment),
        {"cursor": first.context["page"].next_cursor},
        headers={"HX-Request": "true"},
    )
    assert more.status_code == 200
    assert more.content.count(b'class="line-row"') == total - LINE_PAGE_SIZE
    assert b"<html" not in more.content

    # Without JavaScript the link opens the worksheet at the next lines.
    plain = staff_client.get(
        url("segment-detail", segment),
        {"cursor": first.context["page"].next_cursor},
    )
    assert len(plain.context["page"].rows) == total - LINE_PAGE_SIZE
    assert b"Back to the first lines" in plain.content


# --- add / reduce / refine ------------------------------------------------------------


def test_add_contacts_page_renders_the_criteria_form(staff_client, segment):
    response = staff_client.get(url("segment-add-contacts", segment))
    content = response.content.decode()
    assert response.status_code == 200
    for label in ("Job responsibility", "Had interaction with template", "Expand"):
        assert label in content
    assert 'value="PURCHASE"' in content  # code criteria are selects


def test_add_contacts_with_criteria_and_options(staff_client, segment, people):
    response = staff_client.post(
        url("segment-add-contacts", segment),
        {"job_responsibility": "PURCHASE", "ignore_exclusion": "on"},
    )

    assert response.status_code == 302
    assert response.url == segment.get_absolute_url()
    # Lise (excluded) joins because of "ignore exclusion"; the others are in.
    assert contact_nos(segment) == ["CT101", "CT201", "CT202"]
    page = staff_client.get(response.url)
    assert (
        "1 contact has been added. 2 contacts were already in the segment."
        in messages_of(page)
    )


def test_add_contacts_preview_changes_nothing(staff_client, segment):
    response = staff_client.post(
        url("segment-add-contacts", segment),
        {"contact_type": "person", "preview": "1"},
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    # Kari and Per are in; Ola would be added; Lise is excluded from segments.
    assert (preview.added, preview.already_there, preview.excluded) == (
        1,
        2,
        ("CT202",),
    )
    assert segment.lines.count() == 2
    assert "1 contact has been added." in response.content.decode()


def test_add_contacts_with_invalid_criteria_shows_the_error(staff_client, segment):
    response = staff_client.post(
        url("segment-add-contacts", segment), {"interaction_date_from": "soon"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["interaction_date_from"]
    assert segment.lines.count() == 2


def test_reduce_contacts_removes_the_matching_lines(staff_client, segment):
    response = staff_client.post(
        url("segment-reduce-contacts", segment), {"company": "CT200"}
    )
    assert response.status_code == 302
    assert contact_nos(segment) == ["CT101"]


def test_reduce_entire_companies(staff_client, staff_user, segment, people):
    add_contact_to_segment(segment=segment, actor=staff_user, contact=people.fjord)
    staff_client.post(
        url("segment-reduce-contacts", segment),
        {"contact_no": "CT100", "entire_companies": "on"},
    )
    assert contact_nos(segment) == ["CT201"]


def test_refine_contacts_keeps_only_the_matching_lines(staff_client, segment):
    response = staff_client.post(
        url("segment-refine-contacts", segment), {"name": "kari"}
    )
    assert response.status_code == 302
    assert contact_nos(segment) == ["CT101"]
    page = staff_client.get(response.url)
    assert "1 line has been removed." in messages_of(page)


# --- go back, one contact by hand -----------------------------------------------------


def test_go_back_undoes_the_last_criteria_action(staff_client, segment):
    staff_client.post(url("segment-reduce-contacts", segment), {"company": "CT200"})
    assert contact_nos(segment) == ["CT101"]

    response = staff_client.post(url("segment-go-back", segment), follow=True)

    assert contact_nos(segment) == ["CT101", "CT201"]
    assert "“Reduce contacts” has been undone: 1 line changed." in messages_of(response)


def test_go_back_without_actions_says_why(staff_client, staff_user, people):
    segment = make_segment(staff_user, people.template, "Fresh")
    response = staff_client.post(url("segment-go-back", segment), follow=True)
    assert "There is no criteria action to undo." in messages_of(response)


def test_add_one_contact_by_number(staff_client, segment):
    response = staff_client.post(
        url("segment-add-contact", segment), {"add-contact": "CT102"}
    )
    assert response.status_code == 302
    assert contact_nos(segment) == ["CT101", "CT102", "CT201"]


def test_add_one_contact_with_htmx_returns_the_worksheet(staff_client, segment):
    response = staff_client.post(
        url("segment-add-contact", segment),
        {"add-contact": "Ola"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="worksheet"')
    assert "Ola Hansen (CT102) has been added to the segment." in content
    assert "CT102" in contact_nos(segment)


def test_add_a_contact_twice_shows_the_service_error(staff_client, segment):
    response = staff_client.post(
        url("segment-add-contact", segment), {"add-contact": "CT101"}
    )
    assert response.status_code == 400
    assert "already in the segment" in str(response.context["add_form"].errors)
    assert segment.lines.count() == 2


def test_add_an_unknown_contact_with_htmx_shows_the_error_in_place(
    staff_client, segment
):
    response = staff_client.post(
        url("segment-add-contact", segment),
        {"add-contact": "nobody at all"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "There is no contact matching" in response.content.decode()
    assert segment.lines.count() == 2


def test_remove_line(staff_client, segment):
    line = segment.lines.get(contact__no="CT101")
    response = staff_client.post(url("segment-remove-line", segment, line_id=line.pk))
    assert response.status_code == 302
    assert contact_nos(segment) == ["CT201"]
    # Removing by hand is a criteria action: go back restores the line.
    staff_client.post(url("segment-go-back", segment))
    assert SegmentLine.objects.filter(pk=line.pk).exists()


def test_remove_line_with_htmx_updates_summary_out_of_band(staff_client, segment):
    line = segment.lines.get(contact__no="CT101")
    response = staff_client.post(
        url("segment-remove-line", segment, line_id=line.pk),
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<tr" not in content  # the row is replaced by nothing
    assert 'id="segment-summary" class="stats segment-summary" hx-swap-oob' in content
    assert "Kari Nordmann (CT101) has been removed from the segment." in content
    assert contact_nos(segment) == ["CT201"]


def test_remove_a_contact_with_two_lines_reloads_the_worksheet(
    staff_client, staff_user, segment
):
    add_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"contact_no": "CT101"},
        allow_existing=True,
    )
    line = segment.lines.filter(contact__no="CT101").first()
    response = staff_client.post(
        url("segment-remove-line", segment, line_id=line.pk),
        headers={"HX-Request": "true"},
    )
    assert response["HX-Retarget"] == "#worksheet"
    assert contact_nos(segment) == ["CT201"]


def test_remove_line_of_another_segment_is_404(
    staff_client, staff_user, segment, people
):
    other = make_segment(staff_user, people.template, "Other", contact_type="person")
    line = other.lines.first()
    response = staff_client.post(url("segment-remove-line", segment, line_id=line.pk))
    assert response.status_code == 404
    assert SegmentLine.objects.filter(pk=line.pk).exists()


# --- save / reuse criteria, reuse logged segment --------------------------------------


def test_save_and_reuse_criteria(staff_client, staff_user, segment, people):
    response = staff_client.post(
        url("segment-save-criteria", segment),
        {"save-code": "BUYERS", "save-description": "Purchasers"},
    )
    assert response.status_code == 302
    saved = SavedCriteria.objects.get(code="BUYERS")
    assert saved.actions[0]["criteria"] == {"job_responsibility": "PURCHASE"}

    other = make_segment(staff_user, people.template, "Autumn")
    response = staff_client.post(
        url("segment-reuse-criteria", other), {"reuse-saved": "BUYERS"}, follow=True
    )
    assert contact_nos(other) == ["CT101", "CT201"]
    assert (
        "Criteria BUYERS have been applied. 2 contacts have been added. "
        "1 contact skipped (exclude from segment): CT202." in messages_of(response)
    )


def test_save_criteria_with_a_taken_code_shows_the_error(
    staff_client, staff_user, segment
):
    save_criteria(segment=segment, actor=staff_user, code="BUYERS")
    response = staff_client.post(
        url("segment-save-criteria", segment), {"save-code": "BUYERS"}
    )
    assert response.status_code == 400
    assert response.context["save_form"].errors["code"]
    assert response.context["open_panel"] == "save_form"
    assert SavedCriteria.objects.count() == 1


def test_save_criteria_without_actions_is_refused(staff_client, staff_user, people):
    segment = make_segment(staff_user, people.template, "Fresh")
    response = staff_client.post(
        url("segment-save-criteria", segment), {"save-code": "X"}
    )
    assert response.status_code == 400
    assert "no criteria actions" in response.content.decode()
    assert not SavedCriteria.objects.exists()


def test_reuse_logged_segment(staff_client, staff_user, people):
    logged = make_logged(staff_user, people.template, job_responsibility="SALES")
    segment = make_segment(staff_user, people.template, "Next round")

    response = staff_client.post(
        url("segment-reuse-logged", segment),
        {"logged-logged_segment": logged.segment_no},
        follow=True,
    )

    assert contact_nos(segment) == ["CT102"]
    assert (
        f"Logged segment {logged.segment_no} reused. 1 contact has been added."
        in messages_of(response)
    )


def test_reuse_an_unknown_logged_segment_shows_the_error(staff_client, segment):
    response = staff_client.post(
        url("segment-reuse-logged", segment), {"logged-logged_segment": "NOPE"}
    )
    assert response.status_code == 400
    assert response.context["logged_form"].errors["logged_segment"]


# --- log ------------------------------------------------------------------------------


def test_log_page_asks_for_confirmation(staff_client, segment):
    response = staff_client.get(url("segment-log", segment))
    content = response.content.decode()
    assert response.status_code == 200
    assert (
        f"Log segment {segment.no}? This records 2 interaction log entries" in content
    )
    assert response.context["form"]["send"].value() is True  # e-mail lines exist


def test_log_creates_the_entries_and_says_so(staff_client, segment):
    no = segment.no
    response = staff_client.post(url("segment-log", segment), follow=True)

    logged = LoggedSegment.objects.get(segment_no=no)
    assert response.redirect_chain[-1][0] == reverse("interactions:loggedsegment-list")
    assert not Segment.objects.filter(no=no).exists()
    assert set(logged.entries.values_list("contact__no", flat=True)) == {
        "CT101",
        "CT201",
    }
    assert (
        f"Segment {no} has been logged: 2 interaction log entries created."
        in messages_of(response)
    )
    assert len(mail.outbox) == 0  # "send" was not ticked


def test_log_with_follow_up_and_send(
    staff_client, segment, django_capture_on_commit_callbacks
):
    no = segment.no
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url("segment-log", segment), {"send": "on", "follow_up": "on"}, follow=True
        )

    follow_up = Segment.objects.get(description=f"Follow-up on segment {no}")
    assert contact_nos(follow_up) == ["CT101", "CT201"]
    message = messages_of(response)[0]
    assert f"Follow-up segment {follow_up.no} has been created." in message
    assert "being sent" in message
    run_worker()  # the outbox worker sends them
    assert len(mail.outbox) == 2


def test_log_refusal_is_listed_and_nothing_is_written(staff_client, staff_user, people):
    segment = make_segment(staff_user, people.template, "", contact_type="person")
    response = staff_client.post(url("segment-log", segment))
    content = response.content.decode()
    assert response.status_code == 400
    assert "cannot be logged yet" in content
    assert "You must fill in the description of the segment to log it." in content
    assert Segment.objects.filter(pk=segment.pk).exists()
    assert not LoggedSegment.objects.exists()
    assert not InteractionLogEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_large_segment_is_logged_as_a_job(staff_client, segment, settings):
    settings.CRM_BACKGROUND_THRESHOLD = 1  # the segment has two lines
    no = segment.no

    response = staff_client.post(url("segment-log", segment))

    job = BackgroundJob.objects.get()
    job_page = reverse("interactions:job-detail", kwargs={"pk": job.pk})
    assert response.url == job_page
    assert (job.kind, job.total) == (JobKind.LOG_SEGMENT, 2)
    assert Segment.objects.filter(no=no).exists()  # the worker logs it
    queued = staff_client.get(job_page).content.decode()
    assert "0 of 2 lines logged" in queued
    assert 'hx-trigger="every 1s"' in queued

    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0
    )

    logged = LoggedSegment.objects.get(segment_no=no)
    assert logged.entries.count() == 2
    assert not Segment.objects.filter(no=no).exists()
    done = staff_client.get(job_page).content.decode()
    assert f"Segment {no} has been logged: 2 interaction log entries created." in done
    assert reverse("interactions:loggedsegment-list") in done


def test_log_job_page_needs_the_log_permission(client, staff_user, segment):
    job = start_log_segment_job(actor=staff_user, segment=segment)
    job_page = reverse("interactions:job-detail", kwargs={"pk": job.pk})
    batch_admin = factories.UserFactory(username="crm-admin")
    grant(
        batch_admin,
        "interactions.view_interactionlogentry",
        "interactions.delete_canceled_interactionlogentry",
    )
    client.force_login(batch_admin)
    assert client.get(job_page).status_code == 403

    client.force_login(staff_user)  # may log segments, not delete entries
    assert client.get(job_page).status_code == 200


def test_failed_log_job_offers_the_segment_not_a_resume(staff_client, segment):
    job = start_log_segment_job(actor=None, segment=segment)
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.FAILED, error="The segment is empty."
    )
    job_page = reverse("interactions:job-detail", kwargs={"pk": job.pk})

    html = staff_client.get(job_page).content.decode()

    assert "The segment is empty." in html
    assert url("segment-detail", segment) in html
    assert reverse("interactions:job-resume", kwargs={"pk": job.pk}) not in html
    resume = staff_client.post(
        reverse("interactions:job-resume", kwargs={"pk": job.pk})
    )
    assert resume.status_code == 404
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED


# --- delete ---------------------------------------------------------------------------


def test_delete_segment(staff_client, segment):
    response = staff_client.post(url("segment-delete", segment), follow=True)
    assert not Segment.objects.filter(pk=segment.pk).exists()
    assert not SegmentLine.objects.exists()
    assert response.redirect_chain[-1][0] == LIST
    assert f"Segment {segment.no} has been deleted." in messages_of(response)


# --- one line -------------------------------------------------------------------------


def line_data(line: SegmentLine, full: bool = False, **changes: str) -> dict:
    """The line form as the page posts it, with ``changes``.

    The row edited in place (htmx) posts the columns of the table; the page
    without JavaScript (``full``) every field of the line.
    """
    data = {
        "template": line.template.code if line.template else "",
        "salesperson": line.salesperson.code if line.salesperson else "",
        "correspondence_type": line.correspondence_type,
        "cost": str(line.cost),
    }
    if full:
        data |= {
            "description": line.description,
            "date": line.date.isoformat() if line.date else "",
            "duration": str(line.duration),
            "subject": line.subject,
            "language": line.language,
        }
    data |= changes
    return {f"line-{line.pk}-{name}": value for name, value in data.items()}


def test_edit_line_in_place_with_htmx(staff_client, segment):
    line = segment.lines.get(contact__no="CT101")
    edit = url("segment-update-line", segment, line_id=line.pk)

    row = staff_client.get(edit, headers={"HX-Request": "true"})
    assert row.status_code == 200
    assert row.content.decode().lstrip().startswith(f'<tr id="line-{line.pk}"')
    assert f'form="line-form-{line.pk}"'.encode() in row.content

    saved = staff_client.post(
        edit,
        line_data(line, cost="99.50", correspondence_type="hard_copy"),
        headers={"HX-Request": "true"},
    )

    line.refresh_from_db()
    assert line.cost == Decimal("99.50")
    assert line.correspondence_type == "hard_copy"
    content = saved.content.decode()
    assert content.lstrip().startswith(f'<tr id="line-{line.pk}" class="line-row">')
    assert "hx-swap-oob" in content  # the summary follows
    assert "The line of Kari Nordmann has been saved." in content


def test_edit_line_with_a_new_template_redefaults_it(staff_client, segment):
    line = segment.lines.get(contact__no="CT101")
    call = factories.TemplateFactory(code="CALL", unit_cost=Decimal("3.00"))
    response = staff_client.post(
        url("segment-update-line", segment, line_id=line.pk),
        line_data(line, full=True, template=call.code),
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.template == call
    assert line.description == call.description  # the template's defaults


def test_edit_line_refuses_a_negative_cost(staff_client, segment):
    line = segment.lines.get(contact__no="CT101")
    edit = url("segment-update-line", segment, line_id=line.pk)

    page = staff_client.post(edit, line_data(line, full=True, cost="-5"))
    row = staff_client.post(
        edit, line_data(line, cost="-5"), headers={"HX-Request": "true"}
    )

    assert page.status_code == 400
    assert page.context["form"].errors["cost"]
    assert row.status_code == 200  # htmx swaps only 2xx: the row shows the error
    assert b"line-row--editing" in row.content
    assert b"errorlist" in row.content
    line.refresh_from_db()
    assert line.cost == Decimal("10.00")


def test_edit_line_cancel_gives_the_row_back(staff_client, segment):
    line = segment.lines.get(contact__no="CT101")
    response = staff_client.get(
        url("segment-update-line", segment, line_id=line.pk),
        {"cancel": "1"},
        headers={"HX-Request": "true"},
    )
    assert b'class="line-row"' in response.content
    assert b"<select" not in response.content


def test_edit_line_page_without_javascript(staff_client, segment):
    line = segment.lines.get(contact__no="CT101")
    response = staff_client.get(url("segment-update-line", segment, line_id=line.pk))
    assert response.status_code == 200
    assert b"Line of Kari Nordmann" in response.content
    assert "description" in response.context["form"].fields
