"""The Norwegian Bokmål translation: complete, compiled, and served to users.

The checks read the committed ``locale/nb/LC_MESSAGES/django.po`` (not a fresh
``makemessages`` run) and the committed ``django.mo`` — CI does not compile
messages, so a stale ``.mo`` would silently show English.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "nb" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

# %(name)s / %(count)d / %% and str.format-style {name} placeholders.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%%|\{[a-z_]*\}")


@dataclass
class PoEntry:
    """One message of a .po file: its flags, ids and translations."""

    flags: set[str] = field(default_factory=set)
    msgid: str = ""
    msgid_plural: str | None = None
    msgstrs: dict[int, str] = field(default_factory=dict)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return repr(self.msgid[:70])


def parse_po(path: Path) -> list[PoEntry]:
    """Parse a .po file into entries (a tiny parser: no new dependency).

    Entries are separated by blank lines; continuation lines (``"..."``) are
    appended to the keyword that precedes them.
    """
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry = PoEntry()
        target: tuple[str, int] | None = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                _append(entry, target, ast.literal_eval(line))
            else:
                keyword, _, value = line.partition(" ")
                target = _target(keyword)
                _start(entry, target, ast.literal_eval(value))
        entries.append(entry)
    return entries


def _target(keyword: str) -> tuple[str, int]:
    """Map ``msgid``/``msgid_plural``/``msgstr``/``msgstr[n]`` to a slot."""
    if keyword.startswith("msgstr["):
        return ("msgstr", int(keyword[7:-1]))
    return (keyword, 0)


def _start(entry: PoEntry, target: tuple[str, int], value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstrs[index] = value
    elif name in ("msgid", "msgid_plural"):
        setattr(entry, name, value)


def _append(entry: PoEntry, target: tuple[str, int] | None, value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstrs[index] += value
    elif name in ("msgid", "msgid_plural"):
        setattr(entry, name, getattr(entry, name) + value)


@pytest.fixture(scope="module")
def po_entries() -> list[PoEntry]:
    """The committed catalogue without its header and obsolete entries."""
    return [e for e in parse_po(PO_FILE) if e.msgid and not e.obsolete]


def test_header_is_not_fuzzy_and_declares_norwegian():
    header = parse_po(PO_FILE)[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Language: nb\n" in header.msgstrs[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstrs[0]


def test_every_entry_is_translated_and_none_is_fuzzy(po_entries):
    assert len(po_entries) > 500
    fuzzy = [e.label for e in po_entries if "fuzzy" in e.flags]
    untranslated = [e.label for e in po_entries if not all(e.msgstrs.values())]
    plural_forms_missing = [
        e.label for e in po_entries if e.msgid_plural and sorted(e.msgstrs) != [0, 1]
    ]
    assert fuzzy == []
    assert untranslated == []
    assert plural_forms_missing == []


def test_translations_keep_the_placeholders(po_entries):
    broken = []
    for entry in po_entries:
        for index, msgstr in entry.msgstrs.items():
            source = entry.msgid_plural if index and entry.msgid_plural else entry.msgid
            expected = sorted(PLACEHOLDER.findall(source))
            found = sorted(PLACEHOLDER.findall(msgstr))
            if found != expected:
                broken.append((entry.label, index, expected, found))
    assert broken == []


def test_compiled_catalogue_matches_the_po_file(po_entries):
    """The committed .mo holds exactly the .po's translations (recompile!)."""
    with MO_FILE.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = []
    for entry in po_entries:
        if entry.msgid_plural is None:
            if catalogue.gettext(entry.msgid) != entry.msgstrs[0]:
                stale.append(entry.label)
        elif (
            catalogue.ngettext(entry.msgid, entry.msgid_plural, 1) != entry.msgstrs[0]
            or catalogue.ngettext(entry.msgid, entry.msgid_plural, 2)
            != entry.msgstrs[1]
        ):
            stale.append(entry.label)
    assert stale == [], "run: manage.py compilemessages --ignore=.venv"


def test_nav_terms_come_out_in_norwegian():
    from django.utils import translation
    from django.utils.translation import gettext, ngettext

    with translation.override("nb"):
        assert gettext("Interaction log entries") == "Samhandlingsposter"
        assert gettext("Create interaction") == "Opprett samhandling"
        assert gettext("Postponed interactions") == "Utsatte samhandlinger"
        assert gettext("Log segment") == "Loggfør segment"
        assert gettext("Delete canceled interaction log entries") == (
            "Slett annullerte samhandlingsposter"
        )
        assert ngettext(
            "%(count)d contact was added.", "%(count)d contacts were added.", 2
        ) % {"count": 2} == ("2 kontakter ble lagt til.")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_page_follows_accept_language(staff_client):
    response = staff_client.get(
        reverse("interactions:entry-list"), HTTP_ACCEPT_LANGUAGE="nb"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nb"' in html
    assert "Kontakter" in html
    assert "Samhandlingsposter" in html
    assert "Opprett samhandling" in html
    assert "Interaction log entries" not in html


def test_page_follows_language_cookie(staff_client):
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    html = staff_client.get(reverse("contacts:contact-list")).content.decode()
    assert "Kontakter" in html
    assert "Samhandlinger" in html
    assert "Søk i kontakter" in html


def test_english_stays_the_default(staff_client):
    html = staff_client.get(
        reverse("contacts:contact-list"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Contacts" in html
    assert "Kontakter" not in html
