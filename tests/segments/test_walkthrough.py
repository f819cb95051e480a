"""NAV's own walkthrough ("Conducting a sales campaign"), end to end."""

from interactions import services
from interactions.models import InteractionLogEntry, Segment
from tests.segments.conftest import line_nos


def test_trade_show_walkthrough(crm, staff_user):
    segment = services.create_segment(
        actor=staff_user,
        description="Visitors at the trade show",
        template=crm.template,
    )

    # Every person with job responsibility PURCHASE.
    services.add_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"contact_type": "person", "job_responsibility": "PURCHASE"},
    )
    purchasers = sorted(crm.nos(crm.kari, crm.per, crm.loner))
    assert line_nos(segment) == purchasers

    # Reduced by business relation PROS (prospects' whole companies) …
    services.reduce_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"business_relation": "PROS"},
        entire_companies=True,
    )
    assert line_nos(segment) == sorted(crm.nos(crm.kari, crm.loner))
    # … and go back restores them.
    services.go_back(segment=segment, actor=staff_user)
    assert line_nos(segment) == purchasers

    # The segment is linked to a campaign as campaign target.
    services.update_segment_header(
        actor=staff_user,
        segment=segment,
        campaign=crm.campaign,
        campaign_target=True,
        update_lines=True,
    )

    segment_no = segment.no
    logged = services.log_segment(segment=segment, actor=staff_user, follow_up=True)

    # The log shows one entry per contact, with the campaign.
    entries = InteractionLogEntry.objects.filter(segment_no=segment_no)
    assert sorted(entries.values_list("contact__no", flat=True)) == purchasers
    assert set(
        entries.values_list(
            "campaign__no", "campaign_target", "logged_segment", "template__code"
        )
    ) == {("CP001", True, logged.pk, "MAILING")}
    # The follow-up segment has the same contacts and the campaign.
    follow_up = Segment.objects.get()
    assert follow_up.description == f"Follow-up on segment {segment_no}"
    assert follow_up.campaign == crm.campaign
    assert line_nos(follow_up) == purchasers
