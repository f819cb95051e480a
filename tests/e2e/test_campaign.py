"""A whole trade-show campaign on the staff pages (issue #9, item 8).

Segment by criteria → reduce through the company → go back → header campaign
+ target + template → personalise a line → change the header template (the
personalised line keeps its template) → log with follow-up → the entries and
the follow-up segment.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from interactions.models import LoggedSegment, Segment
from tests import factories
from tests.e2e.conftest import log_in
from tests.e2e.test_seed_story import message

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_run_a_trade_show_campaign(page: Page, staff):
    mailing = factories.TemplateFactory(
        code="MAILING", description="Trade show mailing", correspondence_type="email"
    )
    factories.TemplateContentFactory(template=mailing, language="")
    meeting = factories.TemplateFactory(
        code="MEETING", description="Meeting at the stand", unit_cost=25
    )
    call = factories.TemplateFactory(code="CALL", description="Phone call")
    campaign = factories.CampaignFactory(no="CP100", description="Trade show")
    fjord = factories.CompanyFactory(no="CT100", name="Fjord Handel AS")
    bre = factories.CompanyFactory(no="CT200", name="Bre Bygg AS")
    kari = factories.PersonFactory(no="CT101", name="Kari Nordmann", company=fjord)
    ola = factories.PersonFactory(no="CT102", name="Ola Hansen", company=fjord)
    per = factories.PersonFactory(no="CT201", name="Per Berg", company=bre)
    factories.ContactBusinessRelationFactory(
        contact=bre, business_relation=factories.BusinessRelationFactory(code="PROS")
    )
    log_in(page, "staff")

    # A segment of persons, by criteria.
    page.goto("/segments/new/")
    page.get_by_label("Description").fill("Trade show visitors")
    page.get_by_label("Interaction template").fill("MAILING")
    page.get_by_role("button", name="Create segment").click()
    segment = Segment.objects.get(description="Trade show visitors")
    page.get_by_role("link", name="Add contacts").click()
    page.get_by_label("Contact type").select_option("person")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".criteria-preview")).to_contain_text(
        "3 contacts have been added."
    )
    page.get_by_role("button", name="Add contacts").click()
    expect(message(page).first).to_contain_text("3 contacts have been added.")

    # Reduce by the company's business relation: Per (Bre is a prospect) goes.
    page.get_by_role("link", name="Reduce contacts").click()
    page.get_by_label("Business relation").select_option("PROS")
    page.get_by_role("button", name="Reduce contacts").click()
    expect(message(page).first).to_contain_text("1 line has been removed.")
    assert set(segment.lines.values_list("contact__no", flat=True)) == {
        kari.no,
        ola.no,
    }

    # Go back: Per returns.
    page.locator("summary", has_text="Go back").click()
    page.get_by_role("button", name="Yes, go back").click()
    expect(page.locator("main")).to_contain_text("Per Berg")
    assert segment.lines.count() == 3

    # Header: campaign and campaign target.
    page.goto(reverse("interactions:segment-update", kwargs={"no": segment.no}))
    page.get_by_label("Campaign", exact=True).fill("CP100")
    page.get_by_label("Campaign target").check()
    page.get_by_label("Also update the lines").check()
    page.get_by_role("button", name="Save").click()
    expect(message(page).first).to_contain_text("have been saved")
    segment.refresh_from_db()
    assert (segment.campaign, segment.campaign_target) == (campaign, True)

    # Personalise Kari's line with another template.
    kari_line = segment.lines.get(contact=kari)
    page.goto(
        reverse(
            "interactions:segment-update-line",
            kwargs={"no": segment.no, "line_id": kari_line.pk},
        )
    )
    page.get_by_label("Interaction template").fill("CALL")
    page.get_by_role("button", name="Save").click()
    kari_line.refresh_from_db()
    assert kari_line.template == call

    # Change the header template: its defaults show at once (htmx); the
    # campaign target, ticked again, wins; Kari's line keeps its template.
    page.goto(reverse("interactions:segment-update", kwargs={"no": segment.no}))
    page.get_by_label("Interaction template").fill("MEETING")
    page.get_by_label("Interaction template").press("Tab")  # change: htmx defaults
    expect(page.get_by_label("Unit cost (LCY)")).to_have_value(re.compile(r"^25"))
    page.get_by_label("Campaign target").check()
    page.get_by_label("Also update the lines").check()
    page.get_by_role("button", name="Save").click()
    expect(message(page).first).to_contain_text("have been saved")
    segment.refresh_from_db()
    assert (segment.template, segment.campaign_target) == (meeting, True)
    templates = dict(segment.lines.values_list("contact__no", "template__code"))
    assert templates == {kari.no: "CALL", ola.no: "MEETING", per.no: "MEETING"}

    # Edit the segment's own content for this mailing (the template keeps its).
    page.get_by_role("link", name="Edit content").click()
    new_language = page.locator("form", has_text="Add a language")
    new_language.get_by_label("Subject").fill(
        "Welcome to our stand, {{ contact.name }}"
    )
    new_language.get_by_label("Body").fill("Hello {{ contact.name }}, see you there.")
    new_language.get_by_role("button", name="Add").click()
    expect(message(page).first).to_contain_text("has been saved for this segment")
    page.get_by_role("link", name="Back to the segment").click()
    expect(page.locator(".segment-contents")).to_contain_text("Welcome to our stand")

    # Log with a follow-up segment.
    page.get_by_role("link", name="Log segment").click()
    page.get_by_label("Create follow-up segment").check()
    page.get_by_role("button", name="Log", exact=True).click()
    expect(message(page).first).to_contain_text("Follow-up segment")
    logged = LoggedSegment.objects.get(segment_no=segment.no)
    entries = {entry.contact.no: entry for entry in logged.entries.all()}
    assert set(entries) == {kari.no, ola.no, per.no}
    assert entries[kari.no].template == call
    assert entries[ola.no].template == meeting
    assert {entry.campaign for entry in entries.values()} == {campaign}
    # The header's campaign target reached the lines on its template; Kari's
    # personalised line has its own template's values.
    assert entries[ola.no].campaign_target and entries[per.no].campaign_target
    # Lines on the header template were sent the segment's edited content.
    assert entries[ola.no].subject == "Welcome to our stand, Ola Hansen"
    assert entries[ola.no].attachment.body == "Hello Ola Hansen, see you there."
    follow_up = Segment.objects.get(description=f"Follow-up on segment {segment.no}")
    assert set(follow_up.lines.values_list("contact__no", flat=True)) == set(entries)
