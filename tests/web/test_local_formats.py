"""Numbers, dates and times formatted once per page read the same as the filters.

The card and the log page format their rows with
:class:`interactions_crm.platform.localformat.LocalFormats` instead of
``floatformat``/``date``/``time`` per value (issue #12). Whatever the language,
the text must be the filters' own, character for character.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.template.defaultfilters import time as time_filter
from django.test import override_settings
from django.utils import translation
from django.utils.formats import localize

from interactions_crm.platform.localformat import LocalFormats

LANGUAGES = ("en", "nb")
NUMBERS = [
    Decimal("0"),
    Decimal("0.00"),
    Decimal("-0.001"),
    Decimal("0.005"),
    Decimal("1.5"),
    Decimal("2.25"),
    Decimal("-2.25"),
    Decimal("12.50"),
    Decimal("30.00"),
    Decimal("999.995"),
    Decimal("1234.5"),
    Decimal("-1234.5"),
    Decimal("100000.00"),
    Decimal("1234567.891"),
    Decimal("-9876543210.12"),
    Decimal("1E+3"),
    7,
    -12,
    10000,
    1.1,
]
# floatformat arguments as the templates wrote them: (places, grouping).
ARGUMENTS = [(2, False), (-2, False), (2, True), (-2, True), (0, False), (3, True)]


@pytest.fixture(params=LANGUAGES)
def language(request):
    with translation.override(request.param):
        yield request.param


@pytest.mark.parametrize("value", NUMBERS, ids=str)
@pytest.mark.parametrize(("places", "grouping"), ARGUMENTS)
def test_decimal_is_floatformat(language, value, places, grouping):
    argument = f"{places}g" if grouping else str(places)
    expected = floatformat(value, argument)
    assert LocalFormats.active().decimal(value, places, grouping=grouping) == expected


@pytest.mark.parametrize("value", NUMBERS, ids=str)
def test_number_is_a_localized_template_value(language, value):
    assert LocalFormats.active().number(value) == localize(value)


@pytest.mark.parametrize("value", NUMBERS, ids=str)
def test_number_follows_the_thousand_separator_setting(language, value):
    with override_settings(USE_THOUSAND_SEPARATOR=True):
        assert LocalFormats.active().number(value) == localize(value)
        assert LocalFormats.active().decimal(value, 2) == floatformat(value, "2")


@pytest.mark.parametrize(
    "day", [dt.date(2026, 3, 2), dt.date(1999, 12, 31), dt.date(987, 1, 9)]
)
def test_short_date_is_the_date_filter(language, day):
    assert LocalFormats.active().short_date(day) == date_filter(
        day, "SHORT_DATE_FORMAT"
    )


@pytest.mark.parametrize(
    "moment", [dt.time(0, 0), dt.time(9, 5), dt.time(23, 59, 58)], ids=str
)
def test_time_is_the_time_filter(language, moment):
    assert LocalFormats.active().time(moment) == time_filter(moment, "TIME_FORMAT")


def test_the_languages_differ():
    """The comparisons above are not vacuous: en and nb write these differently."""
    with translation.override("en"):
        english = LocalFormats.active()
        assert english.short_date(dt.date(2026, 3, 2)) == "2026-03-02"
        assert english.decimal(Decimal("1234.5"), 2, grouping=True) == "1,234.50"
    with translation.override("nb"):
        norwegian = LocalFormats.active()
        assert norwegian.short_date(dt.date(2026, 3, 2)) == "02.03.2026"
        assert norwegian.decimal(Decimal("1234.5"), 2, grouping=True) == "1\xa0234,50"


@pytest.mark.parametrize(
    "format_string",
    ["j. N Y", r"\Y\e\a\r Y, \w\e\e\k W", "D d.m.y", "{Y}-{m}"],
)
def test_any_date_format_reads_as_django_writes_it(format_string):
    """Characters the fast path does not know fall back to Django; escapes hold."""
    day = dt.date(2026, 3, 2)
    with (
        override_settings(SHORT_DATE_FORMAT=format_string, FORMAT_MODULE_PATH=None),
        translation.override(None),
    ):
        expected = date_filter(day, "SHORT_DATE_FORMAT")
        assert LocalFormats.active().short_date(day) == expected
