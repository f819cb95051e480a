"""The contact card and the log page in the reader's language.

Both pages format their values once per page (issue #12) instead of with a
filter per value; what a reader sees must be what the filters showed: the
language's decimal separator, grouping in the figures, its date format, the
choice labels and the translated sentences around cost and duration.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation

from contacts.models import Contact
from interactions.models import Evaluation, InformationFlow
from interactions.services import choose_log_columns
from tests import factories
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_language_afterwards(settings):
    """Requests in Norwegian leave Norwegian active in the thread: reset it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def card(client, contact: Contact, language: str) -> str:
    url = reverse("contacts:contact-detail", kwargs={"no": contact.no})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "cost", "minutes", "day", "total_cost", "meta"),
    [
        (
            "en",
            "Cost 1234.50",
            "1.50 min.",
            "2026-03-02",
            "2,469.00",
            ["Outbound", "E-mail", "Very positive"],
        ),
        (
            "nb",
            "Kostnad 1234,50",
            "1,50 min.",
            "02.03.2026",
            "2\xa0469,00",
            ["Utgående", "E-post", "Svært positiv"],
        ),
    ],
)
def test_card_shows_figures_and_timeline_in_the_language(
    staff_client, language, cost, minutes, day, total_cost, meta
):
    company = factories.CompanyFactory(name="Fjord AS")
    person = factories.PersonFactory(company=company, name="Kari Nordmann")
    campaign = factories.CampaignFactory(no="SPRING26")
    template = factories.TemplateFactory(
        code="MEET", description="Meeting", unit_cost="1234.50", unit_duration="1.5"
    )
    for time in (dt.time(9, 5), None):
        make_entry(
            person,
            template,
            date=dt.date(2026, 3, 2),
            time=time,
            campaign=campaign,
            information_flow=InformationFlow.OUTBOUND,
            correspondence_type="email",
            evaluation=Evaluation.VERY_POSITIVE,
            salesperson=factories.SalespersonFactory(code="ANNA", name="Anna Berg"),
        )

    html = card(staff_client, company, language)

    # Figures: grouped, two decimals (cost); no decimals for whole minutes.
    assert f"<dd>{total_cost}</dd>" in html
    assert "<dd>3 <small>min.</small></dd>" in html
    assert f'<time datetime="2026-03-02">{day}</time></dd>' in html
    # Timeline: ungrouped numbers inside the translated sentences.
    assert html.count(f'<span class="nowrap">{cost}</span>') == 2
    assert html.count(f'<span class="nowrap">{minutes}</span>') == 2
    # Two entries, and the two "last" figures.
    assert html.count(f'<time datetime="2026-03-02">{day}</time>') == 4
    assert html.count("<br>09:05") == 1
    # The person named and linked on the company's timeline, labels not codes.
    person_link = f'<a href="{person.get_absolute_url()}">Kari Nordmann</a>'
    assert html.count(f"· {person_link}") == 2
    for text in ["Anna Berg", *meta, "SPRING26"]:
        assert html.count(f"· {text}") == 2
    # And the same numbers as the filters give in that language.
    with translation.override(language):
        assert floatformat(Decimal("2469.00"), "2g") == total_cost
        assert date_filter(dt.date(2026, 3, 2), "SHORT_DATE_FORMAT") == day


def test_person_timeline_names_nobody_and_hides_empty_values(staff_client):
    person = factories.PersonFactory()
    template = factories.TemplateFactory(
        code="NOTE", description="Note", unit_cost="0", unit_duration="0"
    )
    make_entry(person, template, information_flow="")

    html = card(staff_client, person, "en")

    meta = html.split('<p class="timeline__meta">', 1)[1].split("</p>", 1)[0]
    assert "NOTE" in meta
    assert "<a " not in meta  # no person link on a person's own timeline
    assert "Cost" not in meta
    assert "min." not in meta
    assert "Outbound" not in meta
    # The title falls back to the template's description.
    assert ">Note</a>" in html


@pytest.mark.parametrize(
    ("language", "day", "cost", "minutes", "whole_minutes"),
    [
        ("en", "2026-03-02", "1234.50", "1.50", "30"),
        ("nb", "02.03.2026", "1234,50", "1,50", "30"),
    ],
)
def test_log_page_writes_dates_and_numbers_in_the_language(
    staff_client, staff_user, language, day, cost, minutes, whole_minutes
):
    choose_log_columns(actor=staff_user, columns=["date", "cost", "duration"])
    person = factories.PersonFactory()
    make_entry(
        person,
        date=dt.date(2026, 3, 2),
        time=dt.time(7, 30),
        cost=Decimal("1234.50"),
        duration=Decimal("1.5"),
    )
    make_entry(person, date=dt.date(2026, 3, 1), cost=Decimal("0"), duration=30)

    response = staff_client.get(
        reverse("interactions:entry-list"), HTTP_ACCEPT_LANGUAGE=language
    )

    html = response.content.decode()
    assert (
        f'<td class="nowrap">{day}<span class="log-row__sub">07:30</span></td>' in html
    )
    assert f'<td class="num">{cost}</td><td class="num">{minutes}</td>' in html
    zero = "0.00" if language == "en" else "0,00"
    assert f'<td class="num">{zero}</td><td class="num">{whole_minutes}</td>' in html


def test_timeline_escapes_every_text_it_builds(staff_client):
    """The timeline's items are built as HTML in Python (issue #12): every
    value the user typed is escaped there, the labels' own markup stays."""
    company = factories.CompanyFactory()
    person = factories.PersonFactory(company=company, name="Kari <b>& Co</b>")
    template = factories.TemplateFactory(
        code="T<1>", description="", unit_cost="2", unit_duration="0"
    )
    campaign = factories.CampaignFactory(no="C&1")
    make_entry(person, template, description="<script>x</script>", campaign=campaign)

    html = card(staff_client, company, "en")

    assert "<script>x</script>" not in html
    assert ">&lt;script&gt;x&lt;/script&gt;</a>" in html
    assert "Kari &lt;b&gt;&amp; Co&lt;/b&gt;</a>" in html
    assert '<span title="Interaction template">T&lt;1&gt;</span>' in html
    assert "· C&amp;1" in html
    assert '· <span class="nowrap">Cost 2.00</span>' in html
