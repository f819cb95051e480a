"""One date/time format per language (FORMAT_MODULE_PATH, issue #13 item 2).

Django's own locale formats mix styles on one page ("Nov. 27, 2026 16:49",
"11/27/2026 4:48 p.m.", "11/27/2026"). These modules override only the display
formats, the same for dates with and without ``SHORT_``; every other format
(input formats, separators, month-name formats) falls back to Django's locale
module for the language.

* English: ISO dates and a 24-hour clock, ``2026-11-27 16:49``.
* Norwegian Bokmål: ``27.11.2026 16:49``.

The CSV export (``interactions.selectors.export``) writes dates with the same
``DATE_FORMAT``/``TIME_FORMAT`` and translates them to PostgreSQL ``to_char``
patterns, so it accepts only the numeric format characters these modules use.
"""
