"""Localized numbers, dates and times at the cost of string operations (issue #12).

The template filters ``floatformat``, ``date`` and ``time`` look the active
language's formats up on every call and build a formatter object per value:
on a page of rows that is most of the page's Python time. A page that shows
many values reads the formats once, as :class:`LocalFormats`, and formats each
value with it. The results are exactly the filters' (``tests/platform``
compares them value by value in English and Norwegian), so the formats in
``interactions_crm/formats/<language>`` still decide what the user sees.
"""

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, getcontext
from typing import Any

from django.utils import dateformat, numberformat
from django.utils.formats import get_format

# Django's own split of a format string into format characters and literals
# (django.utils.dateformat.re_formatchars / re_escaped).
_FORMAT_CHARS = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_ESCAPED = re.compile(r"\\(.)")

# Format characters that are plain fields of a date or time; a format using
# any other character is left to Django's formatter.
_DATE_FIELDS = {
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "Y": "{0.year:04d}",
}
_TIME_FIELDS = {
    "H": "{0.hour:02d}",
    "G": "{0.hour}",
    "i": "{0.minute:02d}",
    "s": "{0.second:02d}",
}


def compile_format(
    format_string: str,
    fields: dict[str, str],
    fallback: Callable[[Any, str], str],
) -> Callable[[Any], str]:
    """A function that formats a value as Django's ``fallback`` would.

    Built from ``str.format`` when every format character of ``format_string``
    is one of ``fields``; otherwise ``fallback(value, format_string)``.
    """
    pattern = []
    for index, piece in enumerate(_FORMAT_CHARS.split(format_string)):
        if index % 2:
            if piece not in fields:
                return lambda value: str(fallback(value, format_string))
            pattern.append(fields[piece])
        elif piece:
            literal = _ESCAPED.sub(r"\1", piece)
            pattern.append(literal.replace("{", "{{").replace("}", "}}"))
    return "".join(pattern).format


@dataclass(frozen=True)
class LocalFormats:
    """The active language's number and date formats, read once.

    Make one per request (:meth:`active`) and format every value with it; it
    is not kept across requests, so a change of language or settings applies
    at once.
    """

    decimal_separator: str
    thousand_separator: str
    grouping: int | Sequence[int]
    short_date: Callable[[dt.date], str]
    time: Callable[[dt.time], str]

    @classmethod
    def active(cls) -> "LocalFormats":
        """The formats of the language active now."""
        return cls(
            decimal_separator=get_format("DECIMAL_SEPARATOR"),
            thousand_separator=get_format("THOUSAND_SEPARATOR"),
            grouping=get_format("NUMBER_GROUPING"),
            short_date=compile_format(
                get_format("SHORT_DATE_FORMAT"), _DATE_FIELDS, dateformat.format
            ),
            time=compile_format(
                get_format("TIME_FORMAT"), _TIME_FIELDS, dateformat.time_format
            ),
        )

    def number(self, value: Decimal | int | float) -> str:
        """``{{ value }}``: a number as a template shows it."""
        return str(
            numberformat.format(
                value,
                self.decimal_separator,
                None,
                self.grouping,
                self.thousand_separator,
                use_l10n=True,
            )
        )

    def decimal(
        self, value: Decimal | int | float, places: int, *, grouping: bool = False
    ) -> str:
        """``{{ value|floatformat:places }}`` (``grouping``: the ``g`` suffix).

        ``places`` < 0 shows no decimals for a whole number, like the filter.
        """
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
        except InvalidOperation:
            number = Decimal(str(float(value)))
        if not number.is_finite():
            return str(value)
        whole = int(number)
        if whole == number and places <= 0:
            text, decimals = str(whole), 0
        else:
            decimals = abs(places)
            _sign, digits, exponent = number.as_tuple()
            units = len(digits) + (-int(exponent) if whole != number else int(exponent))
            precision = max(getcontext().prec, decimals + units + 1)
            rounded = number.quantize(
                Decimal(1).scaleb(-decimals), ROUND_HALF_UP, Context(prec=precision)
            )
            # No minus sign on a value that rounds to zero, as in the filter.
            text = f"{rounded if rounded else rounded.copy_abs():f}"
        return str(
            numberformat.format(
                text,
                self.decimal_separator,
                decimals,
                self.grouping,
                self.thousand_separator,
                force_grouping=grouping,
                use_l10n=True,
            )
        )
