"""Every staff page and the export in Norwegian: labels, not codes; no English dates.

Issue #13 item 2. Each named page of the ``contacts`` and ``interactions``
URLconf is opened (GET, as a superuser, with the demo data and the keys of
the permission matrix) with ``Accept-Language: nb``. The visible text (not
attributes, scripts or form values) must contain

* no raw choice code where a label belongs: no text cell that *is* a code of
  a model choice field, and no code as a word of a sentence ("Språk nb");
* no English date or time: month names, "a.m."/"p.m.", month/day/year.

The CSV export, in Norwegian, likewise.
"""

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from interactions.services import create_segment
from interactions.services.merge import merge_context
from interactions.web.segments.worksheet import describe_criteria
from interactions_crm.platform.languages import language_name
from tests import factories
from tests.security import test_permission_matrix as matrix

pytestmark = pytest.mark.django_db

world = matrix.world


@pytest.fixture(autouse=True)
def site_language_afterwards():
    """Requests in Norwegian leave Norwegian active in the thread: reset it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


#: Apps whose choice fields must be shown as labels.
OUR_APPS = ("contacts", "interactions", "platform")

ENGLISH_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|"
    "November|December|Jan\\.|Feb\\.|Aug\\.|Sept\\.|Oct\\.|Nov\\.|Dec\\."
)
ENGLISH_DATE = re.compile(
    rf"\b(?:{ENGLISH_MONTHS})(?:\s+\d{{1,2}})?|\b[ap]\.m\.|\bnoon\b|\bmidnight\b"
    r"|\b\d{1,2}/\d{1,2}/\d{4}\b"
)
#: Dates in the English format (interactions_crm/formats/en), wrong in Norwegian.
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def choice_codes() -> set[str]:
    """Every non-blank code of every choice field of our models, and language codes."""
    codes: set[str] = {code for code, _name in settings.LANGUAGES}
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and field.choices:
                for code, label in field.flatchoices:
                    if isinstance(code, str) and code and code != str(label):
                        codes.add(code)
    return codes


class VisibleText(HTMLParser):
    """The text nodes a Norwegian reader reads: (text, inside an <option>).

    Scripts, styles and templates are skipped, and so is anything marked as
    written in another language (``lang="en"`` on a letter to an English
    contact); attributes and form values are not text nodes.
    """

    SKIP = {"script", "style", "template", "textarea", "code", "pre"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link"}
    VOID |= {"meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, bool]] = []
        self.open: list[tuple[str, bool]] = []  # (tag, skipped)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        other_language = tag != "html" and lang is not None and lang != "nb"
        self.open.append((tag, tag in self.SKIP or other_language))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                return

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not any(skipped for _tag, skipped in self.open):
            in_option = any(tag == "option" for tag, _skipped in self.open)
            self.cells.append((text, in_option))


def visible_text(html: str) -> list[tuple[str, bool]]:
    parser = VisibleText()
    parser.feed(html)
    return parser.cells


#: A code after its field's name, as in "Language nb" or "Contact type: person".
LABELLED_CODE = re.compile(
    r"\b(?:Språk|Språkkode|Kontakttype|Type|Language|Contact type):?\s+([a-z_]+)\b"
)


def problems(cells: list[tuple[str, bool]], codes: set[str]) -> list[str]:
    """What a Norwegian reader should not see in ``cells``.

    * a cell that is a choice or language code (user data is never all
      lower-case snake-case codes in the demo data);
    * a snake_case code as a word anywhere, or a code right after its field's
      name;
    * "(tom)" — the blank choice's label — as a value (it is fine as a filter
      option);
    * an English date or time, or an English-format (ISO) date.
    """
    blank = "(tom)"
    found = []
    for cell, in_option in cells:
        if cell in codes:
            found.append(f"code {cell!r}")
        for word in re.findall(r"[\w-]+", cell):
            if word in codes and "_" in word:
                found.append(f"code {word!r} in {cell!r}")
        for word in LABELLED_CODE.findall(cell):
            if word in codes:
                found.append(f"code {word!r} in {cell!r}")
        if blank in cell and not in_option:
            found.append(f"blank label in {cell!r}")
        for match in ENGLISH_DATE.findall(cell):
            found.append(f"English date {match!r} in {cell!r}")
        for match in ISO_DATE.findall(cell):
            found.append(f"non-Norwegian date {match!r} in {cell!r}")
    return found


def norwegian_client(world) -> Client:
    client = Client(headers={"accept-language": "nb"})
    client.force_login(world["users"]["admin"])
    return client


def test_every_staff_page_speaks_norwegian_labels_and_dates(world):
    client = norwegian_client(world)
    codes = choice_codes()
    report: dict[str, list[str]] = {}
    opened = 0
    for name, names in matrix.staff_pages():
        if name == "interactions:entry-export":
            continue  # the CSV: below
        url = reverse(name, kwargs=matrix.page_kwargs(world, name, names))
        response = client.get(url)
        if response.status_code != 200 or "html" not in response["Content-Type"]:
            continue
        opened += 1
        found = problems(visible_text(response.content.decode()), codes)
        if found:
            report[name] = sorted(set(found))
    assert opened >= 30
    assert not report, "\n".join(f"{k}: {v}" for k, v in report.items())


#: Dates an English page must not mix with its ISO dates.
OTHER_ENGLISH_DATES = re.compile(
    r"\b[ap]\.m\.|\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{2}\.\d{2}\.\d{4}\b"
    r"|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Oct|Nov|Dec)\. \d"
)


def test_english_pages_use_one_date_format(world):
    """The same sweep in English: ISO dates only, never a.m./p.m. or M/D/Y."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(world["users"]["admin"])
    report: dict[str, list[str]] = {}
    for name, names in matrix.staff_pages():
        if name == "interactions:entry-export":
            continue
        url = reverse(name, kwargs=matrix.page_kwargs(world, name, names))
        response = client.get(url)
        if response.status_code != 200 or "html" not in response["Content-Type"]:
            continue
        found = [
            f"{match!r} in {cell!r}"
            for cell, _option in visible_text(response.content.decode())
            for match in OTHER_ENGLISH_DATES.findall(cell)
        ]
        if found:
            report[name] = found
    assert not report, report


def test_the_export_speaks_norwegian(world):
    client = norwegian_client(world)
    codes = choice_codes()

    response = client.get(reverse("interactions:entry-export"))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) > 10
    assert rows[0][0] == "Løpenr."
    cells = [(cell, False) for row in rows for cell in row if cell]
    found = problems(cells, codes)
    assert not found, found[:20]
    assert not {"True", "False", "Yes", "No"} & {cell for cell, _o in cells}


# --- the fixes, one by one ---------------------------------------------------------


def nb_get(client: Client, url: str) -> str:
    response = client.get(url, headers={"accept-language": "nb"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("code", "name"),
    [("nb", "Norsk bokmål"), ("EN", "Engelsk"), ("da", "Dansk"), ("NOR", "NOR")],
)
def test_a_language_code_reads_as_its_name(code, name):
    with translation.override("nb"):
        assert language_name(code) == name
    assert language_name("") == ""


def test_the_contact_card_names_the_language(client, staff_user):
    contact = factories.PersonFactory(language="nb")
    client.force_login(staff_user)

    html = nb_get(client, reverse("contacts:contact-detail", args=[contact.no]))

    cells = [text for text, _option in visible_text(html)]
    assert "Norsk bokmål" in cells
    assert "nb" not in cells


def test_a_blank_flow_is_a_dash_not_the_blank_label(client, staff_user):
    segment = create_segment(actor=staff_user, description="Blank flow")
    assert segment.information_flow == segment.initiated_by == ""
    client.force_login(staff_user)

    html = nb_get(client, reverse("interactions:segment-detail", args=[segment.no]))

    assert "(tom)" not in html
    assert "— · —" in html


def test_segment_criteria_read_as_labels_and_local_dates():
    with translation.override("nb"):
        described = dict(
            describe_criteria(
                {
                    "contact_type": "person",
                    "evaluation": "very_positive",
                    "interaction_date_from": "2026-11-27",
                    "language": "en",
                    "city": "Oslo",
                }
            )
        )

    assert described == {
        "Kontakttype": "Person",
        "Evaluering av samhandling": "Svært positiv",
        "Samhandlingsdato fra": "27.11.2026",
        "Språkkode": "Engelsk",
        "Poststed": "Oslo",
    }


def test_the_cover_sheet_is_written_in_the_contacts_language(client, staff_user):
    contact = factories.PersonFactory(language="nb")
    client.force_login(staff_user)
    url = reverse("contacts:contact-cover-sheet", args=[contact.no])

    html = client.get(url, headers={"accept-language": "en"}).content.decode()

    sheet = html[html.index('<article class="sheet"') :]
    assert sheet.startswith('<article class="sheet" lang="nb"')
    assert "Følgebrev" in sheet and "Merknader" in sheet
    assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", sheet)
    assert "Back to the contact" in html  # the page around it stays English


def test_merge_fields_write_dates_in_the_contacts_language(db):
    norwegian = factories.PersonFactory(language="nb")
    english = factories.PersonFactory(language="en")
    date = dt.date(2026, 11, 27)

    with translation.override("en"):
        nb_date = merge_context(contact=norwegian, salesperson=None, date=date)
    with translation.override("nb"):
        en_date = merge_context(contact=english, salesperson=None, date=date)

    assert nb_date["date"] == "27. november 2026"
    assert en_date["date"] == "November 27, 2026"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nb", "27.11.2026 16:49"), ("en", "2026-11-27 16:49")],
)
def test_one_date_time_format_per_language(language, expected):
    moment = dt.datetime(2026, 11, 27, 16, 49, tzinfo=dt.UTC)
    with translation.override(language):
        for date_format in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
            assert formats.date_format(moment, date_format) == expected[:10]
        for datetime_format in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert formats.date_format(moment, datetime_format) == expected
        assert formats.time_format(moment.time(), "TIME_FORMAT") == "16:49"
